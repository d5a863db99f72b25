/* The USB/IP wire format: see usbip_wire.h. */
#include "usbip_wire.h"

#include <string.h>

uint16_t usbip_get_u16(const uint8_t *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}

uint32_t usbip_get_u32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

void usbip_put_u16(uint8_t *p, uint16_t value)
{
    p[0] = (uint8_t)(value >> 8);
    p[1] = (uint8_t)value;
}

void usbip_put_u32(uint8_t *p, uint32_t value)
{
    p[0] = (uint8_t)(value >> 24);
    p[1] = (uint8_t)(value >> 16);
    p[2] = (uint8_t)(value >> 8);
    p[3] = (uint8_t)value;
}

bool usbip_device_info_parse(usbip_device_info_t *info, const uint8_t *device, size_t device_len,
                             const uint8_t *configuration, size_t configuration_len, bool high_speed)
{
    memset(info, 0, sizeof(*info));
    if (device == NULL || device_len < 18u || device[1] != 1u || configuration == NULL || configuration_len < 9u ||
        configuration[1] != 2u) {
        return false;
    }
    info->speed = high_speed ? USBIP_LINUX_HIGH_SPEED : USBIP_LINUX_FULL_SPEED;
    info->vendor_id = (uint16_t)(device[8] | (device[9] << 8));
    info->product_id = (uint16_t)(device[10] | (device[11] << 8));
    info->device_release = (uint16_t)(device[12] | (device[13] << 8));
    info->device_class = device[4];
    info->device_subclass = device[5];
    info->device_protocol = device[6];
    info->configuration_count = device[17];
    /* Interface descriptors (USB 2.0 9.6.5) of alternate setting 0: class, subclass, protocol at 5, 6, 7. */
    for (size_t offset = 0; offset + 2u <= configuration_len && configuration[offset] >= 2u;
         offset += configuration[offset]) {
        if (configuration[offset + 1u] == 4u && offset + 9u <= configuration_len && configuration[offset + 3u] == 0u) {
            if (info->interface_count == USBIP_INTERFACES_MAX) {
                return false;
            }
            memcpy(info->interfaces[info->interface_count], &configuration[offset + 5u], 3u);
            info->interface_count++;
        }
    }
    return true;
}

void usbip_op_header(uint8_t out[USBIP_OP_HEADER_SIZE], uint16_t code, uint32_t status)
{
    usbip_put_u16(out, USBIP_VERSION);
    usbip_put_u16(out + 2, code);
    usbip_put_u32(out + 4, status);
}

static void device_record(uint8_t *out, const usbip_device_info_t *info)
{
    memset(out, 0, USBIP_DEVICE_RECORD_SIZE);
    static const char path[] = "/sys/devices/hss/usb1/1-1";
    memcpy(out, path, sizeof(path) - 1u);
    memcpy(out + USBIP_PATH_SIZE, USBIP_EXPORTED_BUSID, sizeof(USBIP_EXPORTED_BUSID) - 1u);
    uint8_t *p = out + USBIP_PATH_SIZE + USBIP_BUSID_SIZE;
    usbip_put_u32(p, USBIP_BUS_NUMBER);
    usbip_put_u32(p + 4, USBIP_DEVICE_NUMBER);
    usbip_put_u32(p + 8, info->speed);
    usbip_put_u16(p + 12, info->vendor_id);
    usbip_put_u16(p + 14, info->product_id);
    usbip_put_u16(p + 16, info->device_release);
    p[18] = info->device_class;
    p[19] = info->device_subclass;
    p[20] = info->device_protocol;
    p[21] = 1u; /* bConfigurationValue */
    p[22] = info->configuration_count;
    p[23] = info->interface_count;
}

size_t usbip_devlist_reply(uint8_t *out, size_t capacity, const usbip_device_info_t *info)
{
    size_t length = USBIP_OP_HEADER_SIZE + 4u + USBIP_DEVICE_RECORD_SIZE +
                    (size_t)info->interface_count * USBIP_INTERFACE_RECORD_SIZE;
    if (capacity < length || info->interface_count > USBIP_INTERFACES_MAX) {
        return 0;
    }
    usbip_op_header(out, USBIP_OP_REP_DEVLIST, USBIP_ST_OK);
    usbip_put_u32(out + USBIP_OP_HEADER_SIZE, 1u); /* exported devices */
    uint8_t *record = out + USBIP_OP_HEADER_SIZE + 4u;
    device_record(record, info);
    for (size_t i = 0; i < info->interface_count; i++) {
        uint8_t *p = record + USBIP_DEVICE_RECORD_SIZE + i * USBIP_INTERFACE_RECORD_SIZE;
        memcpy(p, info->interfaces[i], 3u);
        p[3] = 0u; /* padding */
    }
    return length;
}

void usbip_import_reply(uint8_t out[USBIP_OP_HEADER_SIZE + USBIP_DEVICE_RECORD_SIZE], const usbip_device_info_t *info)
{
    usbip_op_header(out, USBIP_OP_REP_IMPORT, USBIP_ST_OK);
    device_record(out + USBIP_OP_HEADER_SIZE, info);
}

void usbip_urb_header_decode(usbip_urb_header_t *out, const uint8_t in[USBIP_URB_HEADER_SIZE])
{
    out->command = usbip_get_u32(in);
    out->seqnum = usbip_get_u32(in + 4);
    out->devid = usbip_get_u32(in + 8);
    out->direction = usbip_get_u32(in + 12);
    out->endpoint = usbip_get_u32(in + 16);
    out->transfer_flags = usbip_get_u32(in + 20);
    out->transfer_buffer_length = usbip_get_u32(in + 24);
    out->start_frame = usbip_get_u32(in + 28);
    out->number_of_packets = usbip_get_u32(in + 32);
    out->interval = usbip_get_u32(in + 36);
    memcpy(out->setup, in + 40, 8u);
}

void usbip_ret_submit(uint8_t out[USBIP_URB_HEADER_SIZE], uint32_t seqnum, int32_t status, uint32_t actual_length)
{
    memset(out, 0, USBIP_URB_HEADER_SIZE);
    usbip_put_u32(out, USBIP_RET_SUBMIT);
    usbip_put_u32(out + 4, seqnum);
    /* devid, direction and ep are 0 in replies (usbip_protocol.rst). */
    usbip_put_u32(out + 20, (uint32_t)status);
    usbip_put_u32(out + 24, actual_length);
    usbip_put_u32(out + 32, USBIP_NOT_ISOCHRONOUS);
}

void usbip_ret_unlink(uint8_t out[USBIP_URB_HEADER_SIZE], uint32_t seqnum, int32_t status)
{
    memset(out, 0, USBIP_URB_HEADER_SIZE);
    usbip_put_u32(out, USBIP_RET_UNLINK);
    usbip_put_u32(out + 4, seqnum);
    usbip_put_u32(out + 20, (uint32_t)status);
}
