/*
 * WebkitSafariViewService: origins of every app's
 * SystemData/com.apple.SafariViewService/Library/WebKit/WebsiteData folder (webkit_folders.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "webkit_folders.h"

static void test_origins(void **state)
{
    (void)state;
    wk_run("webkit_safari_view_service", "WebkitSafariViewService",
           "SystemData/com.apple.SafariViewService/Library/WebKit/WebsiteData", "", NULL, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_origins),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
