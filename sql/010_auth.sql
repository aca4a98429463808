-- 010_auth: accounts and roles (R3), login back-off, provincial API credentials (R29), security log (issue 3).

-- must_change: set by an administrator's reset (and for new accounts); the holder must choose a new password
-- before anything else. Path indexes so jurisdiction filters on units are one indexed comparison (R1).
ALTER TABLE app_user
  ADD COLUMN must_change TINYINT(1) NOT NULL DEFAULT 0 COMMENT '1: password must be changed at the next sign-in',
  ADD COLUMN password_changed_at DATETIME(6) NULL,
  ADD COLUMN created_by BIGINT UNSIGNED NULL COMMENT 'app_user.id of the administrator who created it';
ALTER TABLE unit
  ADD KEY k_unit_province (province_code),
  ADD KEY k_unit_city (city_code);

-- R3: one role at one unit, and the role must fit the unit's level. The service checks first (422 naming the
-- field); the database refuses whatever slips past.
DELIMITER //
CREATE TRIGGER app_user_role_fits_unit_ins BEFORE INSERT ON app_user FOR EACH ROW
BEGIN
  DECLARE lvl TINYINT UNSIGNED;
  SELECT level INTO lvl FROM unit WHERE id = NEW.unit_id;
  IF NOT ((NEW.role IN ('school_clerk', 'school_leader') AND lvl = 4) OR (NEW.role = 'county' AND lvl = 3)
          OR (NEW.role = 'bureau' AND lvl <= 2) OR NEW.role = 'admin') THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'role does not fit the unit level (R3)';
  END IF;
END//
CREATE TRIGGER app_user_role_fits_unit_upd BEFORE UPDATE ON app_user FOR EACH ROW
BEGIN
  DECLARE lvl TINYINT UNSIGNED;
  SELECT level INTO lvl FROM unit WHERE id = NEW.unit_id;
  IF NOT ((NEW.role IN ('school_clerk', 'school_leader') AND lvl = 4) OR (NEW.role = 'county' AND lvl = 3)
          OR (NEW.role = 'bureau' AND lvl <= 2) OR NEW.role = 'admin') THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'role does not fit the unit level (R3)';
  END IF;
END//
DELIMITER ;

-- Failed sign-ins, for the per-account and per-address back-off (rows older than a day are pruned).
-- username is the name as typed, whether or not such an account exists (same behaviour either way).
CREATE TABLE login_failure (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  username VARCHAR(64) NOT NULL,
  addr VARCHAR(45) NOT NULL,
  created_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
  KEY k_login_failure_user (username, created_at),
  KEY k_login_failure_addr (addr, created_at),
  KEY k_login_failure_time (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- R29: credentials of provincial systems. Only the SHA-256 of the token is stored; the token is shown once.
CREATE TABLE api_credential (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  token_hash BINARY(32) NOT NULL COMMENT 'SHA-256 of the bearer token',
  prefix VARCHAR(12) NOT NULL COMMENT 'first characters of the token, to recognise it in lists',
  name VARCHAR(100) NOT NULL,
  unit_id INT UNSIGNED NOT NULL COMMENT 'the province (level 1) it is scoped to',
  created_by BIGINT UNSIGNED NULL,
  created_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
  last_used_at DATETIME(6) NULL COMMENT 'updated at most once a minute',
  revoked_at DATETIME(6) NULL,
  revoked_by BIGINT UNSIGNED NULL,
  UNIQUE KEY uk_api_credential_token (token_hash),
  KEY k_api_credential_unit (unit_id, id),
  CONSTRAINT fk_api_credential_unit FOREIGN KEY (unit_id) REFERENCES unit (id),
  CONSTRAINT fk_api_credential_creator FOREIGN KEY (created_by) REFERENCES app_user (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

DELIMITER //
CREATE TRIGGER api_credential_province_only BEFORE INSERT ON api_credential FOR EACH ROW
BEGIN
  IF (SELECT level FROM unit WHERE id = NEW.unit_id) <> 1 THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'a provincial credential belongs to a province (R29)';
  END IF;
END//
DELIMITER ;

-- Security log: sign-ins (success and failure), credential use, denied requests, account and credential
-- changes. Structured columns only (no free text from requests except the path and the name typed at
-- sign-in, both stored as data and escaped on output); never a password or token. The unit path columns
-- say whose jurisdiction an event belongs to, so administrators see their own area's events (R1).
CREATE TABLE security_log (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  created_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
  event VARCHAR(32) NOT NULL,
  actor_user_id BIGINT UNSIGNED NULL,
  actor_credential_id BIGINT UNSIGNED NULL,
  actor_username VARCHAR(64) NULL COMMENT 'the account name (as typed, for failed sign-ins)',
  target_user_id BIGINT UNSIGNED NULL,
  target_credential_id BIGINT UNSIGNED NULL,
  unit_id INT UNSIGNED NULL,
  province_code CHAR(2) NULL,
  city_code CHAR(4) NULL,
  county_code CHAR(6) NULL,
  addr VARCHAR(45) NOT NULL DEFAULT '',
  method VARCHAR(8) NULL,
  path VARCHAR(200) NULL,
  detail VARCHAR(200) NULL COMMENT 'reason code or the names of changed fields',
  KEY k_security_log_province (province_code, id),
  KEY k_security_log_city (city_code, id),
  KEY k_security_log_county (county_code, id),
  KEY k_security_log_unit (unit_id, id),
  KEY k_security_log_event (event, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- append-only, enforced by the database (like history, R25)
CREATE TRIGGER security_log_no_update BEFORE UPDATE ON security_log FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'security_log is append-only';
CREATE TRIGGER security_log_no_delete BEFORE DELETE ON security_log FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'security_log is append-only';
