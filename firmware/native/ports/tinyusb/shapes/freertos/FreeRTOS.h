/* API SHAPES ONLY (see ../tusb.h): the FreeRTOS types the port uses, as ESP-IDF's freertos/FreeRTOS.h has them. */
#ifndef HSS_SHAPES_FREERTOS_H
#define HSS_SHAPES_FREERTOS_H

#include <stdint.h>

typedef int32_t BaseType_t;
typedef uint32_t TickType_t;
#define portMAX_DELAY ((TickType_t)0xFFFFFFFFu)

#endif
