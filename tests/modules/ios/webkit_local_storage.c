/*
 * WebkitLocalStorage: origins of every app's Library/WebKit/WebsiteData/LocalStorage folder
 * (webkit_folders.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "webkit_folders.h"

static void test_origins(void **state)
{
    (void)state;
    wk_run("webkit_local_storage", "WebkitLocalStorage", "Library/WebKit/WebsiteData/LocalStorage",
           "webkit_local_storage", "WebKit Local Storage folder ", " containing file for URL ");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_origins),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
