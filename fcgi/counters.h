/* counters: the operators' commands for the counters behind statistics and home tiles (issue 13 item 3):
 * `xueji --check-counters` compares every counter with a COUNT(*) of the rows it counts and prints each difference
 * (exit 0 when all are exact, 1 otherwise); `xueji --rebuild-counters` recomputes them all in one transaction. */
#ifndef XJ_COUNTERS_H
#define XJ_COUNTERS_H

/* argv[0] is "--check-counters" or "--rebuild-counters". Exit status. */
int counters_cli(int argc, char **argv);

#endif
