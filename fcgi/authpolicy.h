/* authpolicy: the pure rules of issue 3: password policy, login back-off, which role fits which unit level (R3). */
#ifndef XJ_AUTHPOLICY_H
#define XJ_AUTHPOLICY_H
#include "http.h"

#define POLICY_SESSION_IDLE_SECONDS 1800 /* a session ends after this long without a request (R3; the app warns 2 min before) */
#define POLICY_MIN_PASSWORD 8          /* characters (UTF-8 code points) */
#define POLICY_MAX_PASSWORD 128        /* characters: bounds the hashing input */
#define POLICY_USERNAME_MIN 3          /* a user name's letters, digits, '.', '_' or '-' (R3) */
#define POLICY_USERNAME_MAX 64
#define POLICY_DISPLAY_NAME_MAX 100   /* characters of a user's display name */
#define POLICY_WINDOW_SECONDS 900      /* failures older than this are not counted */
#define POLICY_ACCOUNT_THRESHOLD 5     /* failures per account name in the window before back-off */
#define POLICY_ADDR_THRESHOLD 20       /* failures per client address in the window before back-off */
#define POLICY_BASE_DELAY 15           /* seconds of the first back-off; doubles with each further failure */
#define POLICY_MAX_DELAY 900           /* cap: nobody is locked out for longer than 15 minutes */
#define POLICY_KNOWN_ADDR_DAYS 30      /* an address the account signed in from within this many days is exempt from
                                        * the account's back-off (not from the address's): an attacker elsewhere
                                        * cannot keep the owner out */

/* Load the common-password list (one entry a line, '#' comments, compared case-insensitively), replacing any
 * list loaded before. Returns the number of entries, or -1 if the file cannot be read. Call before threads start:
 * the list is read-only afterwards. */
int policy_load_common(const char *path);
/* Release the list. */
void policy_free_common(void);
/* Number of entries loaded. */
int policy_common_count(void);
/* 1 if pw (case-insensitively) is on the common-password list. */
int policy_is_common(const char *pw);

/* NULL if pw is acceptable for the account `username` (may be NULL), else a stable reason code:
 * "too_short" (< 8 characters), "too_long" (> 128), "common" (on the list), "contains_username",
 * "date" (a bare 8-digit date such as a birthday, 19xx/20xx). */
const char *policy_password_problem(const char *pw, const char *username);
/* Human message (English) for a reason code returned above. */
const char *policy_password_message(const char *reason);
/* The same in Chinese (the screens' language). Static string. */
const char *policy_password_message_zh(const char *reason);

/* Back-off delay in seconds after `failures` failures in the window for a key with `threshold`:
 * 0 below the threshold, then 15 s doubling per further failure, capped at 900 s. */
long policy_backoff_delay(long failures, long threshold);
/* Seconds the key must still wait before another attempt, given its failures in the window and the seconds
 * since its latest failure; 0 = may try now. */
long policy_backoff_wait(long failures, long threshold, long since_last);

/* R3: school_clerk and school_leader only at schools (level 4), county at counties (3), bureau at a
 * city, province or the ministry (0-2), admin anywhere; province_api is not a user role. 1 if it fits. */
int policy_role_fits_level(enum role role, int level);

#endif
