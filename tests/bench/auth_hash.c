/* auth_hash: benchmark of issue 3's password hashing: ms per argon2id hash and per verification, with the
 * service's own function and parameters (auth_hash_password: 19 MiB, t=2). Built and run by tests/bench/auth.sh. */
#include "auth.h"
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 20;
	char hash[128];
	if (n < 1 || sodium_init() < 0)
		return 1;
	if (auth_hash_password("warm-up-password", hash) != 0) /* first call maps the 19 MiB */
		return 1;
	double t0 = now_ms();
	for (int i = 0; i < n; i++)
		if (auth_hash_password("Bench-password-2026", hash) != 0)
			return 1;
	double t1 = now_ms();
	int ok = 0;
	for (int i = 0; i < n; i++)
		ok += auth_verify_password("Bench-password-2026", hash);
	double t2 = now_ms();
	if (ok != n)
		return 1;
	printf("hash_params %.29s\n", hash);
	printf("hash_ms %.1f\nverify_ms %.1f\nhashes_per_s_per_core %.1f\n", (t1 - t0) / n, (t2 - t1) / n, 1000.0 * n / (t2 - t1));
	return 0;
}
