/*
 * main() of every test program: with no argument it runs all its tests; with one argument it runs the test of
 * that exact name (CTest registers each test separately this way) and fails when there is no such test, so a
 * renamed test cannot pass by running nothing; `--expect-count N` checks CTest found every test.
 */
#ifndef TEST_MAIN_H
#define TEST_MAIN_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static inline int test_main(int argc, char **argv, const char *group, const struct CMUnitTest *tests, size_t count)
{
    if (argc < 2) {
        return _cmocka_run_group_tests(group, tests, count, NULL, NULL);
    }
    if (argc == 3 && strcmp(argv[1], "--expect-count") == 0) {
        /* CTest registered this many tests from the source: a test it missed would never run alone. */
        size_t expected = (size_t)strtoul(argv[2], NULL, 10);
        if (expected != count) {
            fprintf(stderr, "%s: CTest registered %zu tests, the program has %zu\n", group, expected, count);
            return 1;
        }
        printf("%s: %zu tests, all registered\n", group, count);
        return 0;
    }
    for (size_t i = 0; i < count; i++) {
        if (strcmp(tests[i].name, argv[1]) == 0) {
            return _cmocka_run_group_tests(group, &tests[i], 1, NULL, NULL);
        }
    }
    fprintf(stderr, "%s: no test named %s\n", group, argv[1]);
    return 2;
}

#define TEST_MAIN(group, tests)                                                                                  \
    int main(int argc, char **argv)                                                                              \
    {                                                                                                            \
        return test_main(argc, argv, group, tests, sizeof(tests) / sizeof(tests[0]));                            \
    }

#endif /* TEST_MAIN_H */
