-- 001_core: jurisdiction units (R1), users (R3) and sessions.
CREATE TABLE unit (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  code VARCHAR(10) NOT NULL COMMENT '000000 ministry; 6-digit GB/T 2260 division; 10-digit school code',
  level TINYINT UNSIGNED NOT NULL COMMENT '0 ministry, 1 province, 2 city, 3 county, 4 school',
  name VARCHAR(100) NOT NULL,
  parent_id INT UNSIGNED NULL,
  province_code CHAR(2) NULL COMMENT 'path, denormalised so jurisdiction filters are one indexed column',
  city_code CHAR(4) NULL,
  county_code CHAR(6) NULL,
  UNIQUE KEY uk_unit_code (code),
  KEY k_unit_parent (parent_id),
  KEY k_unit_county (county_code, level),
  CONSTRAINT fk_unit_parent FOREIGN KEY (parent_id) REFERENCES unit (id),
  CONSTRAINT ck_unit_level CHECK (level BETWEEN 0 AND 4)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE app_user (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  username VARCHAR(64) NOT NULL,
  display_name VARCHAR(100) NOT NULL DEFAULT '',
  role VARCHAR(20) NOT NULL COMMENT 'school_clerk, school_leader, county, bureau, admin',
  unit_id INT UNSIGNED NOT NULL,
  password_hash VARCHAR(255) NOT NULL,
  disabled TINYINT(1) NOT NULL DEFAULT 0,
  created_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
  updated_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
  version INT UNSIGNED NOT NULL DEFAULT 1,
  UNIQUE KEY uk_user_name (username),
  KEY k_user_unit (unit_id),
  CONSTRAINT fk_user_unit FOREIGN KEY (unit_id) REFERENCES unit (id),
  CONSTRAINT ck_user_role CHECK (role IN ('school_clerk','school_leader','county','bureau','admin'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE session (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  token_hash BINARY(32) NOT NULL COMMENT 'SHA-256 of the cookie token; the token itself is never stored',
  user_id BIGINT UNSIGNED NOT NULL,
  csrf_token CHAR(43) NOT NULL,
  created_at DATETIME(6) NOT NULL,
  last_seen DATETIME(6) NOT NULL,
  expires_at DATETIME(6) NOT NULL,
  ended_at DATETIME(6) NULL,
  addr VARCHAR(45) NOT NULL DEFAULT '',
  UNIQUE KEY uk_session_token (token_hash),
  KEY k_session_user (user_id),
  CONSTRAINT fk_session_user FOREIGN KEY (user_id) REFERENCES app_user (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
