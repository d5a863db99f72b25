/*
 * Descriptor blob parsing. The blob comes from managed code, so every field is checked before it is trusted:
 * the header, each entry's header and length against the end, each descriptor's own bLength/bDescriptorType/
 * wTotalLength against the entry, and the configuration descriptors' interfaces and endpoints (USB 2.0 9.6).
 */
#include "blob.h"

#include <string.h>

#define BLOB_HEADER_SIZE 8u
#define ENTRY_HEADER_SIZE 8u

#define DESC_DEVICE 1u
#define DESC_CONFIGURATION 2u
#define DESC_STRING 3u
#define DESC_INTERFACE 4u
#define DESC_ENDPOINT 5u
#define DESC_DEVICE_QUALIFIER 6u
#define DESC_OTHER_SPEED 7u
#define DESC_BOS 15u

static bool known_type(uint8_t type)
{
    switch (type) {
    case DESC_DEVICE:
    case DESC_CONFIGURATION:
    case DESC_STRING:
    case DESC_DEVICE_QUALIFIER:
    case DESC_OTHER_SPEED:
    case DESC_BOS:
    case HSS_USB_BLOB_MS_OS_20:
        return true;
    default:
        return false;
    }
}

/* The descriptor's own header agrees with the entry (USB 2.0 9.6; MS OS 2.0 spec table 10 for the set). */
static bool descriptor_consistent(uint8_t type, const uint8_t *d, size_t length)
{
    switch (type) {
    case DESC_DEVICE:
        return length == 18u && d[0] == 18u && d[1] == DESC_DEVICE;
    case DESC_DEVICE_QUALIFIER:
        return length == 10u && d[0] == 10u && d[1] == DESC_DEVICE_QUALIFIER;
    case DESC_CONFIGURATION:
    case DESC_OTHER_SPEED:
        return length >= 9u && d[0] == 9u && d[1] == type && hss_usb_get_u16(d + 2) == length;
    case DESC_STRING:
        return length >= 2u && d[0] == length && d[1] == DESC_STRING;
    case DESC_BOS:
        return length >= 5u && d[0] == 5u && d[1] == DESC_BOS && hss_usb_get_u16(d + 2) == length;
    case HSS_USB_BLOB_MS_OS_20:
        return length >= 10u && hss_usb_get_u16(d) == 10u && hss_usb_get_u16(d + 2) == 0u &&
               hss_usb_get_u16(d + 8) == length;
    default:
        return false;
    }
}

static bool valid_bulk_packet(uint16_t size)
{
    /* USB 2.0 5.8.3: full speed 8, 16, 32 or 64; high speed 512. */
    return size == 8u || size == 16u || size == 32u || size == 64u || size == 512u;
}

static hss_usb_endpoint_info_t *endpoint_role(hss_usb_layout_t *layout, uint8_t address, uint8_t type)
{
    bool in = (address & 0x80u) != 0u;
    if (type == HSS_USB_EP_BULK) {
        return in ? &layout->bulk_in : &layout->bulk_out;
    }
    return in ? &layout->interrupt_in : &layout->interrupt_out;
}

static bool address_taken(const hss_usb_layout_t *layout, uint8_t address)
{
    return layout->bulk_in.address == address || layout->bulk_out.address == address ||
           layout->interrupt_in.address == address || layout->interrupt_out.address == address;
}

static hss_usb_status_t read_interface(hss_usb_layout_t *layout, const uint8_t *d)
{
    uint8_t number = d[2];
    uint8_t alternate = d[3];
    /* The function has one setting per interface; SET_INTERFACE accepts alternate 0 only. */
    if (alternate != 0u) {
        return HSS_USB_ERR_DESCRIPTORS;
    }
    for (uint8_t i = 0; i < layout->interface_count; i++) {
        if (layout->interfaces[i] == number) {
            return HSS_USB_ERR_DESCRIPTORS;
        }
    }
    if (layout->interface_count >= HSS_USB_INTERFACES_MAX) {
        return HSS_USB_ERR_DESCRIPTORS;
    }
    layout->interfaces[layout->interface_count++] = number;
    return HSS_USB_OK;
}

static hss_usb_status_t read_endpoint(hss_usb_layout_t *layout, const uint8_t *d)
{
    uint8_t address = d[2];
    uint8_t type = (uint8_t)(d[3] & 0x03u);
    uint16_t raw_packet = hss_usb_get_u16(d + 4);
    uint16_t max_packet = (uint16_t)(raw_packet & 0x07FFu);

    if ((address & 0x0Fu) == 0u || (address & 0x70u) != 0u) {
        return HSS_USB_ERR_DESCRIPTORS; /* endpoint 0 is the control pipe; bits 6..4 are reserved */
    }
    if ((raw_packet >> 11) != 0u) {
        return HSS_USB_ERR_DESCRIPTORS; /* high-bandwidth (extra transactions per microframe) not supported */
    }
    if (type == HSS_USB_EP_BULK) {
        if (!valid_bulk_packet(max_packet)) {
            return HSS_USB_ERR_DESCRIPTORS;
        }
    } else if (type == HSS_USB_EP_INTERRUPT) {
        /* One command packet per transfer: a packet larger than a command would never be filled. */
        if (max_packet < 8u || max_packet > HSS_USB_COMMAND_MAX) {
            return HSS_USB_ERR_DESCRIPTORS;
        }
    } else {
        return HSS_USB_ERR_DESCRIPTORS; /* isochronous and control endpoints are not part of the function */
    }

    hss_usb_endpoint_info_t *role = endpoint_role(layout, address, type);
    if (role->address != 0u || address_taken(layout, address)) {
        return HSS_USB_ERR_DESCRIPTORS;
    }
    role->address = address;
    role->type = type;
    role->max_packet = max_packet;
    return HSS_USB_OK;
}

/* Walks a configuration descriptor's sub-descriptors (USB 2.0 9.6.3: interfaces and endpoints follow it). */
static hss_usb_status_t read_layout(hss_usb_layout_t *layout, const uint8_t *config, size_t length)
{
    memset(layout, 0, sizeof(*layout));
    layout->configuration_value = config[5];
    layout->attributes = config[7];
    if (layout->configuration_value == 0u) {
        return HSS_USB_ERR_DESCRIPTORS; /* 0 means "not configured" in SET_CONFIGURATION */
    }

    size_t at = 9u;
    while (at < length) {
        if (length - at < 2u) {
            return HSS_USB_ERR_DESCRIPTORS;
        }
        uint8_t size = config[at];
        uint8_t type = config[at + 1u];
        if (size < 2u || size > length - at) {
            return HSS_USB_ERR_DESCRIPTORS;
        }
        hss_usb_status_t status = HSS_USB_OK;
        if (type == DESC_INTERFACE) {
            status = size >= 9u ? read_interface(layout, config + at) : HSS_USB_ERR_DESCRIPTORS;
        } else if (type == DESC_ENDPOINT) {
            status = size >= 7u ? read_endpoint(layout, config + at) : HSS_USB_ERR_DESCRIPTORS;
        }
        if (status != HSS_USB_OK) {
            return status;
        }
        at += size;
    }

    if (layout->interface_count == 0u || layout->interface_count != config[4]) {
        return HSS_USB_ERR_DESCRIPTORS;
    }
    if (layout->bulk_in.address == 0u || layout->bulk_out.address == 0u) {
        return HSS_USB_ERR_DESCRIPTORS;
    }
    if ((layout->interrupt_in.address == 0u) != (layout->interrupt_out.address == 0u)) {
        return HSS_USB_ERR_DESCRIPTORS; /* a command pipe needs both directions */
    }
    layout->single_pipe = layout->interrupt_in.address == 0u;
    layout->present = true;
    return HSS_USB_OK;
}

static bool same_key(const hss_usb_blob_entry_t *a, const hss_usb_blob_entry_t *b)
{
    return a->type == b->type && a->index == b->index && a->language_id == b->language_id && a->speed == b->speed;
}

hss_usb_status_t hss_usb_blob_parse(hss_usb_blob_t *blob, hss_usb_layout_t layouts[2], const uint8_t *bytes,
                                    size_t length)
{
    memset(blob, 0, sizeof(*blob));
    memset(layouts, 0, 2u * sizeof(*layouts));
    if (bytes == NULL || length < BLOB_HEADER_SIZE || length > HSS_USB_DESCRIPTORS_MAX) {
        return HSS_USB_ERR_DESCRIPTORS;
    }
    if (bytes[0] != 'H' || bytes[1] != 'S' || bytes[2] != 'S' || bytes[3] != 'D' || bytes[4] != 1u ||
        bytes[5] != 0u) {
        return HSS_USB_ERR_DESCRIPTORS;
    }
    size_t count = hss_usb_get_u16(bytes + 6);
    if (count == 0u || count > HSS_USB_DESCRIPTOR_ENTRIES_MAX) {
        return HSS_USB_ERR_DESCRIPTORS;
    }

    size_t at = BLOB_HEADER_SIZE;
    for (size_t i = 0; i < count; i++) {
        if (length - at < ENTRY_HEADER_SIZE) {
            return HSS_USB_ERR_DESCRIPTORS;
        }
        const uint8_t *h = bytes + at;
        hss_usb_blob_entry_t entry;
        entry.type = h[0];
        entry.index = h[1];
        entry.language_id = hss_usb_get_u16(h + 2);
        entry.speed = h[4];
        entry.length = hss_usb_get_u16(h + 6);
        at += ENTRY_HEADER_SIZE;
        entry.offset = (uint16_t)at;
        if (!known_type(entry.type) || entry.speed > HSS_USB_BLOB_SPEED_HIGH || h[5] != 0u) {
            return HSS_USB_ERR_DESCRIPTORS;
        }
        if (entry.length > length - at || !descriptor_consistent(entry.type, bytes + at, entry.length)) {
            return HSS_USB_ERR_DESCRIPTORS;
        }
        for (size_t j = 0; j < i; j++) {
            if (same_key(&blob->entries[j], &entry)) {
                return HSS_USB_ERR_DESCRIPTORS;
            }
        }
        blob->entries[i] = entry;
        at += entry.length;
    }
    if (at != length) {
        return HSS_USB_ERR_DESCRIPTORS; /* bytes after the last entry: the count and the length disagree */
    }
    blob->bytes = bytes;
    blob->length = length;
    blob->entry_count = count;

    if (hss_usb_blob_find(blob, DESC_DEVICE, 0u, 0u, HSS_USB_SPEED_FULL) == NULL) {
        return HSS_USB_ERR_DESCRIPTORS;
    }
    for (int s = 0; s < 2; s++) {
        hss_usb_speed_t speed = (hss_usb_speed_t)s;
        const hss_usb_blob_entry_t *config = hss_usb_blob_find(blob, DESC_CONFIGURATION, 0u, 0u, speed);
        if (config == NULL) {
            continue;
        }
        hss_usb_status_t status = read_layout(&layouts[s], bytes + config->offset, config->length);
        if (status != HSS_USB_OK) {
            return status;
        }
    }
    if (!layouts[HSS_USB_SPEED_FULL].present) {
        return HSS_USB_ERR_DESCRIPTORS; /* every USB 2.0 device must work at full speed */
    }
    if (layouts[HSS_USB_SPEED_HIGH].present &&
        (layouts[HSS_USB_SPEED_HIGH].single_pipe != layouts[HSS_USB_SPEED_FULL].single_pipe ||
         layouts[HSS_USB_SPEED_HIGH].configuration_value != layouts[HSS_USB_SPEED_FULL].configuration_value)) {
        return HSS_USB_ERR_DESCRIPTORS; /* one function: the profile must not change with the speed */
    }
    return HSS_USB_OK;
}

static bool speed_matches(uint8_t entry_speed, hss_usb_speed_t speed)
{
    uint8_t wanted = speed == HSS_USB_SPEED_HIGH ? HSS_USB_BLOB_SPEED_HIGH : HSS_USB_BLOB_SPEED_FULL;
    return entry_speed == HSS_USB_BLOB_SPEED_ANY || entry_speed == wanted;
}

/* Higher is better: exact speed over any speed, exact language over another one (strings only). */
static int match_score(const hss_usb_blob_entry_t *e, uint8_t type, uint8_t index, uint16_t language_id,
                       hss_usb_speed_t speed)
{
    if (e->type != type || e->index != index || !speed_matches(e->speed, speed)) {
        return -1;
    }
    int score = e->speed != HSS_USB_BLOB_SPEED_ANY ? 1 : 0;
    if (type == DESC_STRING) {
        score += e->language_id == language_id ? 2 : 0;
    }
    return score;
}

const hss_usb_blob_entry_t *hss_usb_blob_find(const hss_usb_blob_t *blob, uint8_t type, uint8_t index,
                                              uint16_t language_id, hss_usb_speed_t speed)
{
    const hss_usb_blob_entry_t *best = NULL;
    int best_score = -1;
    for (size_t i = 0; i < blob->entry_count; i++) {
        int score = match_score(&blob->entries[i], type, index, language_id, speed);
        if (score > best_score) {
            best = &blob->entries[i];
            best_score = score;
        }
    }
    return best;
}

uint16_t hss_usb_blob_max_bulk_packet(const hss_usb_layout_t layouts[2])
{
    uint16_t max = 0;
    for (int s = 0; s < 2; s++) {
        if (!layouts[s].present) {
            continue;
        }
        if (layouts[s].bulk_in.max_packet > max) {
            max = layouts[s].bulk_in.max_packet;
        }
        if (layouts[s].bulk_out.max_packet > max) {
            max = layouts[s].bulk_out.max_packet;
        }
    }
    return max;
}
