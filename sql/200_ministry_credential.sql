-- 200_ministry_credential.sql: issue 16 item 5 (R29): besides a province's credential for its provincial system, the
-- ministry has one for national systems (read-only; the router refuses its unsafe methods).
DROP TRIGGER IF EXISTS api_credential_province_only;
DELIMITER //
CREATE TRIGGER api_credential_province_only BEFORE INSERT ON api_credential FOR EACH ROW
BEGIN
  IF (SELECT level FROM unit WHERE id = NEW.unit_id) NOT IN (0, 1) THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'a system credential belongs to a province or the ministry (R29)';
  END IF;
END//
DELIMITER ;
