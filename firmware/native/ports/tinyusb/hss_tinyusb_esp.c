/*
 * esp_tinyusb adapter of the TinyUSB port (see hss_tinyusb.h): esp_tinyusb 2.x defines TinyUSB's device,
 * configuration and string descriptor callbacks itself from its tinyusb_config_t.descriptor, so this fills that
 * from the core's blob instead. Strings become ASCII, as esp_tinyusb serves them.
 */
#include "hss_tinyusb.h"

#include <string.h>

#include "tusb.h"

#define STRINGS_MAX 8u
#define STRING_CHARS_MAX 32u /* esp_tinyusb copies at most 31 characters of a string */

hss_usb_status_t hss_tinyusb_descriptors(hss_tinyusb_descriptors_t *out)
{
    static char text[STRINGS_MAX][STRING_CHARS_MAX];
    static const char *table[STRINGS_MAX];
    size_t length = 0;
    hss_usb_t *usb = hss_tinyusb_instance();
    if (out == NULL || usb == NULL) {
        return HSS_USB_ERR_ARGUMENT;
    }
    memset(out, 0, sizeof(*out));
    out->device = hss_usb_port_descriptor(usb, TUSB_DESC_DEVICE, 0, 0, &length);
    /* Read before any bus reset, so at full speed. The ESP32-S3 is full speed only; a high-speed chip uses
       HSS_TINYUSB_DESCRIPTOR_CALLBACKS=1, where the core picks each speed's descriptors itself. */
    out->full_speed_config = hss_usb_port_descriptor(usb, TUSB_DESC_CONFIGURATION, 0, 0, &length);
    /* esp_tinyusb serves strings from ASCII text: UTF-16 code units past 0x7F become '?'. */
    const uint8_t *languages = hss_usb_port_descriptor(usb, TUSB_DESC_STRING, 0, 0, &length);
    text[0][0] = (char)(languages != NULL && length >= 4u ? languages[2] : 0x09);
    text[0][1] = (char)(languages != NULL && length >= 4u ? languages[3] : 0x04);
    table[0] = text[0];
    int count = 1;
    for (uint8_t index = 1; index < STRINGS_MAX; index++) {
        const uint8_t *s = hss_usb_port_descriptor(usb, TUSB_DESC_STRING, index, 0x0409, &length);
        size_t chars = s == NULL ? 0u : (length - 2u) / 2u;
        chars = chars < STRING_CHARS_MAX - 1u ? chars : STRING_CHARS_MAX - 1u;
        for (size_t i = 0; i < chars; i++) {
            uint16_t unit = (uint16_t)(s[2u + 2u * i] | (s[3u + 2u * i] << 8));
            text[index][i] = unit < 0x80u ? (char)unit : '?';
        }
        text[index][chars] = '\0';
        table[index] = s == NULL ? NULL : text[index];
        count = s == NULL ? count : (int)index + 1;
    }
    out->strings = table;
    out->string_count = count;
    return out->device != NULL && out->full_speed_config != NULL ? HSS_USB_OK : HSS_USB_ERR_DESCRIPTORS;
}
