/*
 * The USB/IP server behind hss_usbip.h: one thread polls the listening socket, the connections and a wake pipe;
 * it alone reads and writes sockets and calls the core for bus events, control requests and transfer
 * completions. The core's port functions (hss_usbip.c) only update the endpoints under ep_lock and wake the
 * thread, so nothing re-enters the core while it holds its lock. Lock order: core_lock, then ep_lock.
 */
#ifndef USBIP_SERVER_H
#define USBIP_SERVER_H

#include <pthread.h>

#include "hss_usb_port.h"
#include "hss_usbip.h"
#include "usbip_endpoints.h"
#include "usbip_wire.h"

#define USBIP_CONNECTIONS_MAX 4u
#define USBIP_EP0_DATA_MAX 4096u /* largest control OUT data stage accepted (HSS has none) */
#define USBIP_DONE_BATCH 64u

typedef enum usbip_rx_state {
    USBIP_RX_START = 0, /* the first 4 bytes of a message: an operation's version, or a URB command */
    USBIP_RX_OP,        /* the rest of an operation header */
    USBIP_RX_BUSID,     /* OP_REQ_IMPORT's bus ID */
    USBIP_RX_URB,       /* the rest of a 48-byte URB header */
    USBIP_RX_PAYLOAD    /* a CMD_SUBMIT's OUT data */
} usbip_rx_state_t;

typedef struct usbip_connection {
    int fd; /* -1: slot free */
    usbip_rx_state_t state;
    size_t have; /* bytes of the current piece received */
    uint8_t header[USBIP_URB_HEADER_SIZE];
    uint8_t busid[USBIP_BUSID_SIZE];
    usbip_urb_header_t urb;
    usbip_urb_t *payload_urb; /* data endpoint OUT: the URB the payload goes to */
    uint8_t ep0_data[USBIP_EP0_DATA_MAX];
    size_t payload_length;
    char peer[64];
} usbip_connection_t;

struct hss_usbip {
    pthread_mutex_t core_lock; /* the core's lock (hss_usb_port_t.lock) */
    pthread_mutex_t ep_lock;   /* endpoints, pending answers, flags below */
    usbip_endpoints_t endpoints;
    usbip_done_t pending[USBIP_URBS_MAX]; /* URBs a halt answered, for the thread to send */
    size_t pending_count;
    bool stopping;
    bool connected; /* the core's pull-up */
    hss_usbip_wake_t wake;
    hss_usbip_log_t log;

    /* Below: the server thread's (set before it starts, or only by it). */
    pthread_t thread;
    bool thread_started;
    int listen_fd;
    int wake_read;
    int wake_write;
    uint16_t port;
    bool high_speed;
    hss_usb_t *usb;
    void *memory;
    bool opened;
    bool have_info;
    usbip_device_info_t info;
    usbip_connection_t connections[USBIP_CONNECTIONS_MAX];
    int importer; /* index of the connection holding the device, or -1 */
    hss_usbip_counters_t counters;
    hss_usb_port_t port_functions;
    usbip_done_t done[USBIP_DONE_BATCH];
};

/* Runs the server until stopping (the thread's body). */
void *usbip_server_run(void *server);

/* Wakes the server's thread (from any thread). */
void usbip_server_signal(hss_usbip_t *s);

void usbip_server_log(hss_usbip_t *s, int level, const char *format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#endif /* USBIP_SERVER_H */
