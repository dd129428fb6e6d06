/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>

#include "vigie/vigie.h"

int main(void)
{
    printf("vigie %s\n", VG_VERSION);
    return 0;
}
