/* API SHAPES ONLY (see ../tusb.h): FreeRTOS semphr.h, the mutex calls the port uses. */
#ifndef HSS_SHAPES_SEMPHR_H
#define HSS_SHAPES_SEMPHR_H

#include "freertos/FreeRTOS.h"

typedef struct StaticSemaphore { uint8_t opaque[80]; } StaticSemaphore_t;
typedef struct QueueDefinition *SemaphoreHandle_t;

SemaphoreHandle_t xSemaphoreCreateMutexStatic(StaticSemaphore_t *buffer);
BaseType_t xSemaphoreTake(SemaphoreHandle_t semaphore, TickType_t ticks);
BaseType_t xSemaphoreGive(SemaphoreHandle_t semaphore);

#endif
