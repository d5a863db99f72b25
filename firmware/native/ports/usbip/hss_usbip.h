/*
 * HssDevice native USB function over USB/IP (Linux): a USB/IP server (protocol 0x0111, bus ID 1-1, as
 * `hss emulate --usbip` speaks it) whose one exported device is served by the portable core (hss_usb.h), built as
 * the shared library libhss_native.so that .NET drives through P/Invoke (tools/HssDevice.NativeUsbIp).
 *
 * A server listens from hss_usbip_start; hss_usbip_open opens the core through it with a descriptor blob. From
 * then on `usbip attach` (the kernel's vhci-hcd) imports the device: each import is a bus reset of the core, its end
 * a disconnect. The hss_usbip_* calls below are the hss_usb_* calls on the server's core instance; they never block
 * and are thread-safe. Readiness is reported through the wake callback, from the server's thread or the caller's.
 * Every size is bounded (usbip_endpoints.h); a malformed message or a limit hit is logged and closes the
 * connection, never the server.
 */
#ifndef HSS_USBIP_H
#define HSS_USBIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hss_usb.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define HSS_USBIP_API __attribute__((visibility("default")))
#else
#define HSS_USBIP_API
#endif

typedef struct hss_usbip hss_usbip_t;

/* Called with a mask of HSS_USB_EVENT_* whenever the core has something for a waiter; from any thread. */
typedef void (*hss_usbip_wake_t)(uint32_t events);

/* Log levels of hss_usbip_log_t. */
#define HSS_USBIP_LOG_DEBUG 0
#define HSS_USBIP_LOG_INFO 1
#define HSS_USBIP_LOG_WARNING 2

/* Receives each log line (without newline), from the server's thread; NULL logs to stderr. */
typedef void (*hss_usbip_log_t)(int level, const char *message);

typedef struct hss_usbip_counters {
    uint32_t imports;         /* attaches served */
    uint32_t detaches;        /* imports that ended */
    uint32_t bus_resets;      /* port resets seen inside an import (the kernel's reset of the device) */
    uint32_t connections;     /* TCP connections accepted */
    uint32_t protocol_errors; /* connections closed for malformed input or a limit hit */
    uint32_t urbs;            /* data URBs answered */
} hss_usbip_counters_t;

/*
 * Starts a server listening on `address` (numeric IPv4 or IPv6) and `port` (0: the OS chooses). `high_speed`
 * selects the bus speed the device reports (the descriptors of that speed are served). Returns 0 or a negative
 * errno value.
 */
HSS_USBIP_API int hss_usbip_start(const char *address, uint16_t port, int high_speed, hss_usbip_t **out);

/* The port the server listens on. */
HSS_USBIP_API uint16_t hss_usbip_bound_port(const hss_usbip_t *server);

HSS_USBIP_API void hss_usbip_set_log(hss_usbip_t *server, hss_usbip_log_t log);
HSS_USBIP_API void hss_usbip_set_wake(hss_usbip_t *server, hss_usbip_wake_t wake);

/* hss_usb_open through the server (once per server): a hss_usb_status_t. */
HSS_USBIP_API int hss_usbip_open(hss_usbip_t *server, const uint8_t *descriptors, size_t descriptors_len,
                                 size_t command_queue_packets, size_t data_out_bytes, size_t data_in_bytes);

/* hss_usb_close: the device is unplugged (an import in progress ends) and every later call returns NOT_OPEN. */
HSS_USBIP_API void hss_usbip_close(hss_usbip_t *server);

HSS_USBIP_API int hss_usbip_link_state(hss_usbip_t *server);
HSS_USBIP_API int hss_usbip_is_single_pipe(hss_usbip_t *server);
HSS_USBIP_API int hss_usbip_read_command(hss_usbip_t *server, uint8_t *buffer, size_t capacity);
HSS_USBIP_API int hss_usbip_write_command(hss_usbip_t *server, const uint8_t *packet, size_t length);
HSS_USBIP_API int hss_usbip_read_data(hss_usbip_t *server, uint8_t *buffer, size_t capacity);
HSS_USBIP_API int hss_usbip_write_data(hss_usbip_t *server, const uint8_t *data, size_t length, int end_of_transfer);
HSS_USBIP_API uint32_t hss_usbip_ready(hss_usbip_t *server);

HSS_USBIP_API void hss_usbip_counters(hss_usbip_t *server, hss_usbip_counters_t *out);

/* Unplugs (closes every connection), stops the server's thread, closes the core and frees everything. */
HSS_USBIP_API void hss_usbip_stop(hss_usbip_t *server);

#ifdef __cplusplus
}
#endif

#endif /* HSS_USBIP_H */
