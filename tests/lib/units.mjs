// units.mjs: fixtures of the schools tests (issue 16): accounts at a unit and fresh school codes, written straight
// into the database where the test is not about making them.
import { Client, sql, sqlCount } from './api.mjs';

/** Sign in as a (created once) account with the demo password: role at the unit whose id is unitId. */
export async function userAt(username, role, unitId) {
  const hash = sql("SELECT password_hash FROM app_user WHERE username = 'clerk_a'")[0][0];
  sql(`INSERT IGNORE INTO app_user (username, display_name, role, unit_id, password_hash) VALUES ('${username}', '${username}', '${role}', ${unitId}, '${hash}')`);
  return Client.login(username);
}
/** The bureau of a county (its 6-digit code is its unit id), signed in. */
export const countyBureau = (county) => userAt(`county_${county}`, 'county', Number(county));

/** A fresh 10-digit school code of the county, not taken. */
export function newSchoolCode(county) {
  for (;;) {
    const code = `${county}${String(1000 + Math.floor(Math.random() * 8999))}`;
    if (!sqlCount(`SELECT COUNT(*) FROM unit WHERE code = '${code}'`)) return code;
  }
}
