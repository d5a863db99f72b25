/*
 * Declaration-only shape of esp_tinyusb 2.x's tinyusb.h, as far as hss_nf_board_tinyusb.c uses it (the driver
 * configuration with its descriptor part, TINYUSB_DEFAULT_CONFIG, install and uninstall), written from the
 * component's documented API. Only for the compile check in firmware/native/CMakeLists.txt: a firmware build uses
 * the real component.
 */
#ifndef HSS_SHAPE_ESP_TINYUSB_H
#define HSS_SHAPE_ESP_TINYUSB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tusb.h"

/* Real TinyUSB defines these as packed structs in tusb_types.h; only pointers to them are used here. */
typedef struct hss_shape_tusb_desc_device tusb_desc_device_t;
typedef struct hss_shape_tusb_desc_device_qualifier tusb_desc_device_qualifier_t;

typedef int esp_err_t;
#define ESP_OK 0

typedef enum { TINYUSB_PORT_FULL_SPEED_0 = 0, TINYUSB_PORT_HIGH_SPEED_0 } tinyusb_port_t;

typedef struct {
    bool skip_setup;
    bool self_powered;
    int vbus_monitor_io;
} tinyusb_phy_config_t;

typedef struct {
    size_t size;
    uint8_t priority;
    int xCoreID;
} tinyusb_task_config_t;

typedef struct {
    const tusb_desc_device_t *device;
    const tusb_desc_device_qualifier_t *qualifier;
    const char **string;
    int string_count;
    const uint8_t *full_speed_config;
    const uint8_t *high_speed_config;
} tinyusb_desc_config_t;

typedef struct tinyusb_event tinyusb_event_t;
typedef void (*tinyusb_event_cb_t)(tinyusb_event_t *event, void *arg);

typedef struct {
    tinyusb_port_t port;
    tinyusb_phy_config_t phy;
    tinyusb_task_config_t task;
    tinyusb_desc_config_t descriptor;
    tinyusb_event_cb_t event_cb;
    void *event_arg;
} tinyusb_config_t;

#define TINYUSB_DEFAULT_CONFIG()                                                                                     \
    {                                                                                                                \
        .port = TINYUSB_PORT_FULL_SPEED_0, .task = {.size = 4096, .priority = 5, .xCoreID = 0 }                      \
    }

esp_err_t tinyusb_driver_install(const tinyusb_config_t *config);
esp_err_t tinyusb_driver_uninstall(void);

#endif /* HSS_SHAPE_ESP_TINYUSB_H */
