/* Descriptor blob: checked parsing (every length bounded once, here) and lookup. docs/native-usb.md has the format. */
#ifndef HSS_USB_BLOB_H
#define HSS_USB_BLOB_H

#include "hss_usb_core.h"

/* Little-endian field reads; the callers have checked the bounds. */
static inline uint16_t hss_usb_get_u16(const uint8_t *p)
{
    return (uint16_t)(p[0] | ((uint16_t)p[1] << 8));
}

/*
 * Checks `bytes` as a blob and indexes its entries into `blob` (which then points into `bytes`), then reads the
 * configuration descriptor of each speed into `layouts` (by hss_usb_speed_t). HSS_USB_ERR_DESCRIPTORS when
 * anything is malformed or the device or a full-speed configuration descriptor is missing.
 */
hss_usb_status_t hss_usb_blob_parse(hss_usb_blob_t *blob, hss_usb_layout_t layouts[2], const uint8_t *bytes,
                                    size_t length);

/*
 * The entry served for GET_DESCRIPTOR(type, index) with wIndex `language_id` at `speed`: an entry for that speed
 * wins over one for any speed; for strings an exact language wins, else the entry of that index in any language
 * (a host asking in another language gets the one text there is). NULL when there is none (STALL).
 */
const hss_usb_blob_entry_t *hss_usb_blob_find(const hss_usb_blob_t *blob, uint8_t type, uint8_t index,
                                              uint16_t language_id, hss_usb_speed_t speed);

/* Largest bulk wMaxPacketSize over both speeds' configurations (sizes the transfer buffers). */
uint16_t hss_usb_blob_max_bulk_packet(const hss_usb_layout_t layouts[2]);

#endif /* HSS_USB_BLOB_H */
