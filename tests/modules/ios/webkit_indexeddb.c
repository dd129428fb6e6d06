/*
 * WebkitIndexedDB: origins of every app's Library/WebKit/WebsiteData/IndexedDB folder
 * (webkit_folders.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "webkit_folders.h"

static void test_origins(void **state)
{
    (void)state;
    wk_run("webkit_indexeddb", "WebkitIndexedDB", "Library/WebKit/WebsiteData/IndexedDB",
           "webkit_indexeddb", "IndexedDB folder ", " containing file for URL ");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_origins),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
