/* detect: what the workflow needs from duplicate detection (R9, R15): the settled group's own clash (detect_min.c);
 * new clashes of the changed record are found by registry_detect_student (registry.h) in the same transaction. */
#ifndef XJ_DETECT_H
#define XJ_DETECT_H
#include <stdint.h>
#include "db.h"

/* Re-run detection (R9) for student_id after its values changed (R15), inside the caller's transaction
 * (the caller holds the lock of group_id and of the group's member and student rows).
 * Contract:
 *  - *still_clashes := 1 if the student still clashes on the clash of group group_id (the group on whose
 *    behalf the change was approved), 0 if the change removed that clash. Members of group_id other than
 *    this student whose state is deleted or changed do not count.
 *  - The registry's version may also open or join groups for NEW clashes of the student (never
 *    group_id itself, which the workflow settles), with the same idempotency as any detection.
 *  - Returns XE_OK, or an error from the db layer (XE_RETRY is passed up so the transaction re-runs). */
enum xerr registry_redetect(struct db *db, struct arena *a, uint64_t student_id, uint64_t group_id, int *still_clashes);

#endif
