/*
 * The USB/IP wire format (Linux Documentation/usb/usbip_protocol.rst, version 0x0111), every field big-endian:
 * the same messages tools/HssDevice.UsbIp (UsbIpWire.cs) speaks. Decoding checks nothing beyond lengths; the
 * connection decides what a value means.
 *
 * Operation messages (before import): 0 version (2), 2 code (2), 4 status (4), then a body.
 * URB messages (after import), a 48-byte header: 0 command, 4 seqnum, 8 devid, 12 direction, 16 ep, then
 *   CMD_SUBMIT: 20 transfer_flags, 24 transfer_buffer_length, 28 start_frame, 32 number_of_packets, 36 interval,
 *               40 setup (8)
 *   RET_SUBMIT: 20 status, 24 actual_length, 28 start_frame, 32 number_of_packets, 36 error_count
 *   CMD_UNLINK: 20 unlink_seqnum;  RET_UNLINK: 20 status
 */
#ifndef USBIP_WIRE_H
#define USBIP_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define USBIP_VERSION 0x0111u

#define USBIP_OP_HEADER_SIZE 8u
#define USBIP_OP_REQ_DEVLIST 0x8005u
#define USBIP_OP_REP_DEVLIST 0x0005u
#define USBIP_OP_REQ_IMPORT 0x8003u
#define USBIP_OP_REP_IMPORT 0x0003u

/* Operation status codes of the usbip tools (usbip_common.h). */
#define USBIP_ST_OK 0u
#define USBIP_ST_NA 1u
#define USBIP_ST_DEV_BUSY 2u

#define USBIP_BUSID_SIZE 32u
#define USBIP_PATH_SIZE 256u
#define USBIP_DEVICE_RECORD_SIZE (USBIP_PATH_SIZE + USBIP_BUSID_SIZE + 24u) /* 312 */
#define USBIP_INTERFACE_RECORD_SIZE 4u
#define USBIP_INTERFACES_MAX 8u

#define USBIP_URB_HEADER_SIZE 48u
#define USBIP_CMD_SUBMIT 1u
#define USBIP_CMD_UNLINK 2u
#define USBIP_RET_SUBMIT 3u
#define USBIP_RET_UNLINK 4u

#define USBIP_DIR_OUT 0u
#define USBIP_DIR_IN 1u

/* number_of_packets of a transfer that is not isochronous (the kernel sends 0 or 0xFFFFFFFF). */
#define USBIP_NOT_ISOCHRONOUS 0xFFFFFFFFu

/* URB_ZERO_PACKET of Linux's transfer_flags: an OUT transfer whose length is a multiple of the packet size ends
 * with a zero-length packet. */
#define USBIP_URB_ZERO_PACKET 0x0040u

/* Linux errno values, negated, as RET_SUBMIT and RET_UNLINK carry them. */
#define USBIP_EPIPE (-32)       /* the endpoint stalled */
#define USBIP_EOVERFLOW (-75)   /* a packet did not fit the URB's buffer (babble) */
#define USBIP_ECONNRESET (-104) /* the URB was unlinked */
#define USBIP_ESHUTDOWN (-108)  /* the device end is gone */

/* What a device record says (OP_REP_DEVLIST / OP_REP_IMPORT), read from the device's own descriptors. */
typedef struct usbip_device_info {
    uint32_t speed; /* enum usb_device_speed of Linux: 2 full, 3 high */
    uint16_t vendor_id;
    uint16_t product_id;
    uint16_t device_release;
    uint8_t device_class;
    uint8_t device_subclass;
    uint8_t device_protocol;
    uint8_t configuration_count;
    uint8_t interface_count;
    uint8_t interfaces[USBIP_INTERFACES_MAX][3]; /* class, subclass, protocol of each alternate setting 0 */
} usbip_device_info_t;

#define USBIP_LINUX_FULL_SPEED 2u
#define USBIP_LINUX_HIGH_SPEED 3u
#define USBIP_BUS_NUMBER 1u
#define USBIP_DEVICE_NUMBER 2u
#define USBIP_EXPORTED_BUSID "1-1"

/* One decoded URB header (command-specific fields named by what CMD_SUBMIT and CMD_UNLINK use). */
typedef struct usbip_urb_header {
    uint32_t command;
    uint32_t seqnum;
    uint32_t devid;
    uint32_t direction;
    uint32_t endpoint;
    uint32_t transfer_flags; /* CMD_UNLINK: unlink_seqnum */
    uint32_t transfer_buffer_length;
    uint32_t start_frame;
    uint32_t number_of_packets;
    uint32_t interval;
    uint8_t setup[8];
} usbip_urb_header_t;

uint16_t usbip_get_u16(const uint8_t *p);
uint32_t usbip_get_u32(const uint8_t *p);
void usbip_put_u16(uint8_t *p, uint16_t value);
void usbip_put_u32(uint8_t *p, uint32_t value);

/* Fills the info from a device descriptor (18 bytes) and a whole configuration; false when either is malformed. */
bool usbip_device_info_parse(usbip_device_info_t *info, const uint8_t *device, size_t device_len,
                             const uint8_t *configuration, size_t configuration_len, bool high_speed);

void usbip_op_header(uint8_t out[USBIP_OP_HEADER_SIZE], uint16_t code, uint32_t status);

/* OP_REP_DEVLIST with the one device: returns its length (at most usbip_devlist_reply_max()). */
size_t usbip_devlist_reply(uint8_t *out, size_t capacity, const usbip_device_info_t *info);
#define USBIP_DEVLIST_REPLY_MAX                                                                             \
    (USBIP_OP_HEADER_SIZE + 4u + USBIP_DEVICE_RECORD_SIZE + USBIP_INTERFACES_MAX * USBIP_INTERFACE_RECORD_SIZE)

/* OP_REP_IMPORT (status OK) with the device record: USBIP_OP_HEADER_SIZE + USBIP_DEVICE_RECORD_SIZE bytes. */
void usbip_import_reply(uint8_t out[USBIP_OP_HEADER_SIZE + USBIP_DEVICE_RECORD_SIZE], const usbip_device_info_t *info);

void usbip_urb_header_decode(usbip_urb_header_t *out, const uint8_t in[USBIP_URB_HEADER_SIZE]);

/* RET_SUBMIT header (the IN data, if any, follows it on the wire). */
void usbip_ret_submit(uint8_t out[USBIP_URB_HEADER_SIZE], uint32_t seqnum, int32_t status, uint32_t actual_length);
void usbip_ret_unlink(uint8_t out[USBIP_URB_HEADER_SIZE], uint32_t seqnum, int32_t status);

#endif /* USBIP_WIRE_H */
