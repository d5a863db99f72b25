/*
 * Board glue of the nanoCLR binding for ESP32-S3 firmware: the TinyUSB port (ports/tinyusb) under esp_tinyusb 2.x,
 * the component nanoFramework's ESP32 build uses for TinyUSB. Open opens the core first (the port connects only
 * once TinyUSB runs), then installs esp_tinyusb's driver with the blob's descriptors, which stay in the instance's
 * memory for as long as the driver runs; close uninstalls it, so the next open installs the next blob's. Installing
 * the driver routes the S3's one USB PHY to the OTG controller: the Wire Protocol must be on a UART (docs/firmware.md).
 */
#include "hss_nf_binding.h"
#include "hss_tinyusb.h"

#include "tinyusb.h"

static bool s_driver_installed;

hss_usb_status_t hss_nf_board_open(const hss_usb_config_t *config, void *memory, size_t memory_size,
                                   void (*wake)(uint32_t events))
{
    hss_tinyusb_descriptors_t descriptors;
    tinyusb_config_t usb_config = TINYUSB_DEFAULT_CONFIG();
    hss_usb_status_t status = hss_tinyusb_open(config, memory, memory_size, wake);
    if (status != HSS_USB_OK) {
        return status;
    }
    status = hss_tinyusb_descriptors(&descriptors);
    if (status != HSS_USB_OK) {
        hss_tinyusb_close();
        return status;
    }
    usb_config.descriptor.device = (const tusb_desc_device_t *)descriptors.device;
    usb_config.descriptor.qualifier = NULL; /* full speed only */
    usb_config.descriptor.string = descriptors.strings;
    usb_config.descriptor.string_count = descriptors.string_count;
    usb_config.descriptor.full_speed_config = descriptors.full_speed_config;
    usb_config.descriptor.high_speed_config = NULL;
    if (tinyusb_driver_install(&usb_config) != ESP_OK) {
        hss_tinyusb_close();
        return HSS_USB_ERR_PORT;
    }
    s_driver_installed = true;
    return HSS_USB_OK;
}

void hss_nf_board_close(void)
{
    hss_tinyusb_close();
    if (s_driver_installed) {
        (void)tinyusb_driver_uninstall();
        s_driver_installed = false;
    }
}

hss_usb_t *hss_nf_board_instance(void)
{
    return hss_tinyusb_instance();
}
