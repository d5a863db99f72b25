/* The USB/IP server's thread: connections, messages, URB answers. See usbip_server.h. */
#define _POSIX_C_SOURCE 200809L

#include "usbip_server.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

/* A client that stops reading replies for this long is dropped rather than stalling the server. */
#define USBIP_SEND_TIMEOUT_SECONDS 30

void usbip_server_log(hss_usbip_t *s, int level, const char *format, ...)
{
    char line[512];
    va_list args;
    va_start(args, format);
    vsnprintf(line, sizeof(line), format, args);
    va_end(args);
    pthread_mutex_lock(&s->ep_lock);
    hss_usbip_log_t log = s->log;
    pthread_mutex_unlock(&s->ep_lock);
    if (log != NULL) {
        log(level, line);
    } else if (level >= HSS_USBIP_LOG_INFO) {
        fprintf(stderr, "hss-usbip: %s\n", line);
    }
}

void usbip_server_signal(hss_usbip_t *s)
{
    const char byte = 1;
    /* Non-blocking: a full pipe already holds a wake-up. */
    ssize_t ignored = write(s->wake_write, &byte, 1);
    (void)ignored;
}

static bool send_all(int fd, const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len)
{
    struct iovec parts[2];
    parts[0].iov_base = (void *)a;
    parts[0].iov_len = a_len;
    parts[1].iov_base = (void *)b;
    parts[1].iov_len = b_len;
    struct iovec *next = parts;
    int count = b_len > 0u ? 2 : 1;
    while (count > 0) {
        struct msghdr message;
        memset(&message, 0, sizeof(message));
        message.msg_iov = next;
        message.msg_iovlen = (size_t)count;
        ssize_t sent = sendmsg(fd, &message, MSG_NOSIGNAL);
        if (sent < 0) {
            if (errno == EINTR) {
                continue;
            }
            return false;
        }
        size_t left = (size_t)sent;
        while (count > 0 && left >= next->iov_len) {
            left -= next->iov_len;
            next++;
            count--;
        }
        if (count > 0) {
            next->iov_base = (uint8_t *)next->iov_base + left;
            next->iov_len -= left;
        }
    }
    return true;
}

static void close_connection(hss_usbip_t *s, usbip_connection_t *c);

static void end_import(hss_usbip_t *s, const char *why)
{
    if (s->importer < 0) {
        return;
    }
    usbip_connection_t *c = &s->connections[s->importer];
    s->importer = -1;
    pthread_mutex_lock(&s->ep_lock);
    usbip_endpoints_clear_urbs(&s->endpoints);
    s->pending_count = 0;
    pthread_mutex_unlock(&s->ep_lock);
    if (c->payload_urb != NULL) {
        c->payload_urb = NULL; /* freed with the others */
        c->state = USBIP_RX_START;
        c->have = 0;
    }
    s->counters.detaches++;
    /* Detach: the core sees a disconnect (link down once), then waits for the next attach's bus reset. */
    hss_usb_port_disconnected(s->usb);
    usbip_server_log(s, HSS_USBIP_LOG_INFO, "%s: import %u: detached (%s)", c->peer, (unsigned)s->counters.imports, why);
}

static void close_connection(hss_usbip_t *s, usbip_connection_t *c)
{
    if (c->fd < 0) {
        return;
    }
    if (s->importer >= 0 && &s->connections[s->importer] == c) {
        end_import(s, "connection closed");
    }
    if (c->payload_urb != NULL) {
        pthread_mutex_lock(&s->ep_lock);
        usbip_endpoints_free_urb(&s->endpoints, c->payload_urb);
        pthread_mutex_unlock(&s->ep_lock);
        c->payload_urb = NULL;
    }
    close(c->fd);
    c->fd = -1;
}

/* Malformed input or a limit hit: logged, and the connection closes (the server goes on). */
static bool protocol_error(hss_usbip_t *s, usbip_connection_t *c, const char *problem, unsigned long value)
{
    s->counters.protocol_errors++;
    usbip_server_log(s, HSS_USBIP_LOG_WARNING, "%s: %s (%lu); closing the connection", c->peer, problem, value);
    return false;
}

static bool send_to(hss_usbip_t *s, usbip_connection_t *c, const uint8_t *a, size_t a_len, const uint8_t *b,
                    size_t b_len)
{
    if (!send_all(c->fd, a, a_len, b, b_len)) {
        usbip_server_log(s, HSS_USBIP_LOG_INFO, "%s: send failed (%s)", c->peer, strerror(errno));
        return false;
    }
    return true;
}

/* Sends the answers of completed URBs and reports finished transfers to the core, until nothing moves. */
static void pump(hss_usbip_t *s)
{
    for (;;) {
        pthread_mutex_lock(&s->ep_lock);
        size_t n = 0;
        while (s->pending_count > 0u && n < USBIP_DONE_BATCH) {
            s->done[n++] = s->pending[--s->pending_count];
        }
        n += usbip_endpoints_step(&s->endpoints, &s->done[n], USBIP_DONE_BATCH - n);
        pthread_mutex_unlock(&s->ep_lock);
        if (n == 0u) {
            return;
        }
        for (size_t i = 0; i < n; i++) {
            usbip_done_t *d = &s->done[i];
            if (d->kind == USBIP_DONE_TRANSFER) {
                hss_usb_port_transfer_complete(s->usb, d->address, d->actual, d->result);
                continue;
            }
            usbip_urb_t *urb = d->urb;
            bool in = (urb->address & 0x80u) != 0u;
            if (s->importer >= 0) {
                usbip_connection_t *c = &s->connections[s->importer];
                uint8_t header[USBIP_URB_HEADER_SIZE];
                /* An overflowed URB still carries the packets it took (its actual_length says how many). */
                size_t data_len = in && (d->status == 0 || d->status == USBIP_EOVERFLOW) ? d->actual : 0u;
                usbip_ret_submit(header, urb->seqnum, d->status, (uint32_t)d->actual);
                s->counters.urbs++;
                if (!send_to(s, c, header, sizeof(header), urb->data, data_len)) {
                    pthread_mutex_lock(&s->ep_lock);
                    usbip_endpoints_free_urb(&s->endpoints, urb);
                    pthread_mutex_unlock(&s->ep_lock);
                    close_connection(s, c);
                    continue;
                }
            }
            pthread_mutex_lock(&s->ep_lock);
            usbip_endpoints_free_urb(&s->endpoints, urb);
            pthread_mutex_unlock(&s->ep_lock);
        }
    }
}

static bool handle_import(hss_usbip_t *s, usbip_connection_t *c, int index)
{
    char busid[USBIP_BUSID_SIZE + 1];
    memcpy(busid, c->busid, USBIP_BUSID_SIZE);
    busid[USBIP_BUSID_SIZE] = '\0';
    uint8_t header[USBIP_OP_HEADER_SIZE];
    if (strcmp(busid, USBIP_EXPORTED_BUSID) != 0 || !s->have_info) {
        usbip_server_log(s, HSS_USBIP_LOG_WARNING, "%s: import of '%s' refused: %s", c->peer, busid,
                         s->have_info ? "unknown bus ID" : "no device is open");
        usbip_op_header(header, USBIP_OP_REP_IMPORT, USBIP_ST_NA);
        return send_to(s, c, header, sizeof(header), NULL, 0);
    }
    pthread_mutex_lock(&s->ep_lock);
    bool connected = s->connected;
    pthread_mutex_unlock(&s->ep_lock);
    if (!connected || (s->importer >= 0 && s->importer != index)) {
        usbip_server_log(s, HSS_USBIP_LOG_WARNING, "%s: import refused: %s", c->peer,
                         connected ? "another connection holds the device" : "the device is disconnected");
        usbip_op_header(header, USBIP_OP_REP_IMPORT, connected ? USBIP_ST_DEV_BUSY : USBIP_ST_NA);
        return send_to(s, c, header, sizeof(header), NULL, 0);
    }
    s->importer = index;
    s->counters.imports++;
    pthread_mutex_lock(&s->ep_lock);
    usbip_endpoints_clear_urbs(&s->endpoints);
    s->pending_count = 0;
    pthread_mutex_unlock(&s->ep_lock);
    /* An attach is a bus reset: the core starts unconfigured at the bus speed. */
    hss_usb_port_bus_reset(s->usb, s->high_speed ? HSS_USB_SPEED_HIGH : HSS_USB_SPEED_FULL);
    uint8_t reply[USBIP_OP_HEADER_SIZE + USBIP_DEVICE_RECORD_SIZE];
    usbip_import_reply(reply, &s->info);
    usbip_server_log(s, HSS_USBIP_LOG_INFO, "%s: import %u of %s: attached", c->peer, (unsigned)s->counters.imports,
                     USBIP_EXPORTED_BUSID);
    return send_to(s, c, reply, sizeof(reply), NULL, 0);
}

static bool handle_operation(hss_usbip_t *s, usbip_connection_t *c, int index)
{
    uint16_t code = usbip_get_u16(c->header + 2);
    if (s->importer == index) {
        /* The kernel never sends an operation on an imported connection. A stream carrying several clients one
         * after the other (the rig's virtio-serial relay cannot carry a close) shows a detach this way. */
        end_import(s, "an operation request on the imported stream");
    }
    if (code == USBIP_OP_REQ_DEVLIST) {
        uint8_t reply[USBIP_DEVLIST_REPLY_MAX];
        size_t length;
        if (s->have_info) {
            length = usbip_devlist_reply(reply, sizeof(reply), &s->info);
        } else {
            usbip_op_header(reply, USBIP_OP_REP_DEVLIST, USBIP_ST_OK);
            usbip_put_u32(reply + USBIP_OP_HEADER_SIZE, 0u); /* nothing exported yet */
            length = USBIP_OP_HEADER_SIZE + 4u;
        }
        c->state = USBIP_RX_START;
        c->have = 0;
        return send_to(s, c, reply, length, NULL, 0);
    }
    if (code == USBIP_OP_REQ_IMPORT) {
        c->state = USBIP_RX_BUSID;
        c->have = 0;
        return true;
    }
    return protocol_error(s, c, "unknown operation code", code);
}

static bool answer_control(hss_usbip_t *s, usbip_connection_t *c)
{
    const uint8_t *setup = c->urb.setup;
    uint16_t w_length = (uint16_t)(setup[6] | (setup[7] << 8));
    /* hub_port_init reads the first 64 bytes of the device descriptor right after every port reset; USB/IP carries
     * no reset itself, so this request is how a reset of the device by the kernel shows. */
    if (setup[0] == 0x80u && setup[1] == 6u && setup[3] == 1u && setup[2] == 0u && w_length == 64u) {
        if (hss_usb_link_state(s->usb) == HSS_USB_LINK_UP) {
            s->counters.bus_resets++;
            usbip_server_log(s, HSS_USBIP_LOG_INFO, "%s: port reset by the host: bus reset", c->peer);
        }
        hss_usb_port_bus_reset(s->usb, s->high_speed ? HSS_USB_SPEED_HIGH : HSS_USB_SPEED_FULL);
    }
    const uint8_t *data = NULL;
    size_t length = 0;
    hss_usb_control_result_t result = hss_usb_port_control(s->usb, setup, &data, &length);
    uint8_t header[USBIP_URB_HEADER_SIZE];
    bool in = c->urb.direction == USBIP_DIR_IN;
    if (result == HSS_USB_CONTROL_STALL) {
        usbip_server_log(s, HSS_USBIP_LOG_DEBUG, "%s: control %02x %02x %02x%02x stalled", c->peer, setup[0], setup[1],
                         setup[3], setup[2]);
        usbip_ret_submit(header, c->urb.seqnum, USBIP_EPIPE, 0);
        return send_to(s, c, header, sizeof(header), NULL, 0);
    }
    size_t give = 0;
    if (in && result == HSS_USB_CONTROL_DATA && data != NULL) {
        give = length < c->urb.transfer_buffer_length ? length : c->urb.transfer_buffer_length;
    }
    usbip_ret_submit(header, c->urb.seqnum, 0, (uint32_t)(in ? give : c->payload_length));
    return send_to(s, c, header, sizeof(header), data, give);
}

static bool submit_data(hss_usbip_t *s, usbip_connection_t *c, usbip_urb_t *urb)
{
    pthread_mutex_lock(&s->ep_lock);
    usbip_submit_result_t result = usbip_endpoints_enqueue(&s->endpoints, urb);
    pthread_mutex_unlock(&s->ep_lock);
    if (result == USBIP_SUBMIT_STALLED) {
        uint8_t header[USBIP_URB_HEADER_SIZE];
        usbip_server_log(s, HSS_USBIP_LOG_DEBUG, "%s: URB %u for endpoint %02x, not usable now: stalled", c->peer,
                         (unsigned)c->urb.seqnum, (unsigned)(c->urb.endpoint | (c->urb.direction << 7)));
        usbip_ret_submit(header, c->urb.seqnum, USBIP_EPIPE, 0);
        return send_to(s, c, header, sizeof(header), NULL, 0);
    }
    return true;
}

static bool handle_urb(hss_usbip_t *s, usbip_connection_t *c)
{
    usbip_urb_header_decode(&c->urb, c->header);
    usbip_urb_header_t *h = &c->urb;
    c->state = USBIP_RX_START;
    c->have = 0;
    c->payload_length = 0;
    if (h->command == USBIP_CMD_UNLINK) {
        pump(s); /* a URB that completed is answered before the RET_UNLINK that finds it gone */
        pthread_mutex_lock(&s->ep_lock);
        bool found = usbip_endpoints_unlink(&s->endpoints, h->transfer_flags);
        pthread_mutex_unlock(&s->ep_lock);
        uint8_t header[USBIP_URB_HEADER_SIZE];
        usbip_ret_unlink(header, h->seqnum, found ? USBIP_ECONNRESET : 0);
        usbip_server_log(s, HSS_USBIP_LOG_DEBUG, "%s: unlink of %u: %s", c->peer, (unsigned)h->transfer_flags,
                         found ? "cancelled" : "already done");
        return send_to(s, c, header, sizeof(header), NULL, 0);
    }
    if (h->command != USBIP_CMD_SUBMIT) {
        return protocol_error(s, c, "unknown URB command", h->command);
    }
    if (h->direction > USBIP_DIR_IN || h->endpoint > 15u) {
        return protocol_error(s, c, "CMD_SUBMIT endpoint or direction out of range", h->endpoint);
    }
    if (h->number_of_packets != 0u && h->number_of_packets != USBIP_NOT_ISOCHRONOUS) {
        return protocol_error(s, c, "isochronous CMD_SUBMIT; the device has no isochronous endpoint",
                              h->number_of_packets);
    }
    if (h->transfer_buffer_length > USBIP_TRANSFER_MAX) {
        return protocol_error(s, c, "transfer_buffer_length over the limit", h->transfer_buffer_length);
    }
    bool out = h->direction == USBIP_DIR_OUT;
    if (h->endpoint == 0u) {
        if (out && h->transfer_buffer_length > USBIP_EP0_DATA_MAX) {
            return protocol_error(s, c, "control OUT data stage over the limit", h->transfer_buffer_length);
        }
        if (out && h->transfer_buffer_length > 0u) {
            c->state = USBIP_RX_PAYLOAD;
            c->payload_length = h->transfer_buffer_length;
            return true;
        }
        return answer_control(s, c);
    }
    uint8_t address = (uint8_t)(h->endpoint | (out ? 0u : 0x80u));
    usbip_urb_t *urb = NULL;
    pthread_mutex_lock(&s->ep_lock);
    usbip_submit_result_t result =
        usbip_endpoints_new_urb(&s->endpoints, h->seqnum, address, h->transfer_buffer_length, h->transfer_flags, &urb);
    pthread_mutex_unlock(&s->ep_lock);
    switch (result) {
    case USBIP_SUBMIT_QUEUED:
        break;
    case USBIP_SUBMIT_DUPLICATE:
        return protocol_error(s, c, "CMD_SUBMIT reuses a seqnum in flight", h->seqnum);
    case USBIP_SUBMIT_NO_MEMORY:
        return protocol_error(s, c, "no memory for a URB of length", h->transfer_buffer_length);
    default:
        return protocol_error(s, c, "URBs in flight over the limit (count or bytes); URB length",
                              h->transfer_buffer_length);
    }
    if (out && h->transfer_buffer_length > 0u) {
        c->payload_urb = urb;
        c->payload_length = h->transfer_buffer_length;
        c->state = USBIP_RX_PAYLOAD;
        return true;
    }
    return submit_data(s, c, urb);
}

static bool handle_piece(hss_usbip_t *s, usbip_connection_t *c, int index)
{
    switch (c->state) {
    case USBIP_RX_START:
        if (usbip_get_u16(c->header) == USBIP_VERSION) {
            c->state = USBIP_RX_OP;
            return true;
        }
        if (s->importer == index) {
            c->state = USBIP_RX_URB;
            return true;
        }
        return protocol_error(s, c, "expected an operation request of version 0x0111; got", usbip_get_u32(c->header));
    case USBIP_RX_OP:
        return handle_operation(s, c, index);
    case USBIP_RX_BUSID:
        c->state = USBIP_RX_START;
        c->have = 0;
        return handle_import(s, c, index);
    case USBIP_RX_URB:
        return handle_urb(s, c);
    case USBIP_RX_PAYLOAD:
    default: {
        c->state = USBIP_RX_START;
        c->have = 0;
        if (c->urb.endpoint == 0u) {
            return answer_control(s, c);
        }
        usbip_urb_t *urb = c->payload_urb;
        c->payload_urb = NULL;
        return submit_data(s, c, urb);
    }
    }
}

/* Where the current piece goes and how long it is. */
static uint8_t *piece(usbip_connection_t *c, size_t *need)
{
    switch (c->state) {
    case USBIP_RX_START:
        *need = 4u;
        return c->header;
    case USBIP_RX_OP:
        *need = USBIP_OP_HEADER_SIZE;
        return c->header;
    case USBIP_RX_BUSID:
        *need = USBIP_BUSID_SIZE;
        return c->busid;
    case USBIP_RX_URB:
        *need = USBIP_URB_HEADER_SIZE;
        return c->header;
    case USBIP_RX_PAYLOAD:
    default:
        *need = c->payload_length;
        return c->urb.endpoint == 0u ? c->ep0_data : c->payload_urb->data;
    }
}

/* Reads what the connection has now and handles every whole message; false when it must close. */
static bool connection_read(hss_usbip_t *s, usbip_connection_t *c, int index)
{
    for (int turns = 0; turns < 256; turns++) {
        size_t need = 0;
        uint8_t *into = piece(c, &need);
        /* Pieces after the first continue the buffer: an operation or URB header starts with the 4 bytes read. */
        size_t start = (c->state == USBIP_RX_OP || c->state == USBIP_RX_URB) && c->have < 4u ? 4u : c->have;
        if (start < need) {
            ssize_t n = recv(c->fd, into + start, need - start, MSG_DONTWAIT);
            if (n == 0) {
                if (c->state == USBIP_RX_START && start == 0u) {
                    usbip_server_log(s, HSS_USBIP_LOG_INFO, "%s: closed by the client", c->peer);
                    return false;
                }
                return protocol_error(s, c, "connection dropped mid-message; bytes of the piece", (unsigned long)start);
            }
            if (n < 0) {
                if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
                    return true;
                }
                usbip_server_log(s, HSS_USBIP_LOG_INFO, "%s: connection ended (%s)", c->peer, strerror(errno));
                return false;
            }
            c->have = start + (size_t)n;
            if (c->have < need) {
                continue;
            }
        }
        c->have = 0;
        if (!handle_piece(s, c, index)) {
            return false;
        }
        pump(s);
        if (c->fd < 0) {
            return false;
        }
    }
    return true;
}

static void accept_connection(hss_usbip_t *s)
{
    struct sockaddr_storage peer;
    socklen_t peer_len = sizeof(peer);
    int fd = accept(s->listen_fd, (struct sockaddr *)&peer, &peer_len);
    if (fd < 0) {
        return;
    }
    s->counters.connections++;
    usbip_connection_t *c = NULL;
    int index = -1;
    for (size_t i = 0; i < USBIP_CONNECTIONS_MAX && c == NULL; i++) {
        if (s->connections[i].fd < 0) {
            c = &s->connections[i];
            index = (int)i;
        }
    }
    if (c == NULL) {
        usbip_server_log(s, HSS_USBIP_LOG_WARNING, "connection refused: %u connections are open already",
                         (unsigned)USBIP_CONNECTIONS_MAX);
        close(fd);
        return;
    }
    (void)index;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    struct timeval timeout = {USBIP_SEND_TIMEOUT_SECONDS, 0};
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
    memset(c, 0, sizeof(*c));
    c->fd = fd;
    char host[INET6_ADDRSTRLEN] = "?";
    unsigned port = 0;
    if (peer.ss_family == AF_INET) {
        struct sockaddr_in *v4 = (struct sockaddr_in *)&peer;
        inet_ntop(AF_INET, &v4->sin_addr, host, sizeof(host));
        port = ntohs(v4->sin_port);
    } else if (peer.ss_family == AF_INET6) {
        struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&peer;
        inet_ntop(AF_INET6, &v6->sin6_addr, host, sizeof(host));
        port = ntohs(v6->sin6_port);
    }
    snprintf(c->peer, sizeof(c->peer), "usbip %s:%u", host, port);
    usbip_server_log(s, HSS_USBIP_LOG_INFO, "%s: connected", c->peer);
}

void *usbip_server_run(void *server)
{
    hss_usbip_t *s = server;
    struct pollfd fds[2u + USBIP_CONNECTIONS_MAX];
    int owner[2u + USBIP_CONNECTIONS_MAX];
    for (;;) {
        pthread_mutex_lock(&s->ep_lock);
        bool stopping = s->stopping;
        bool connected = s->connected;
        pthread_mutex_unlock(&s->ep_lock);
        if (stopping) {
            break;
        }
        if (!connected && s->importer >= 0) {
            /* The core disconnected (closed): unplug, as pulling the cable would. */
            close_connection(s, &s->connections[s->importer]);
        }
        pump(s);
        nfds_t n = 0;
        fds[n].fd = s->listen_fd;
        fds[n].events = POLLIN;
        owner[n++] = -1;
        fds[n].fd = s->wake_read;
        fds[n].events = POLLIN;
        owner[n++] = -1;
        for (size_t i = 0; i < USBIP_CONNECTIONS_MAX; i++) {
            if (s->connections[i].fd >= 0) {
                fds[n].fd = s->connections[i].fd;
                fds[n].events = POLLIN;
                owner[n++] = (int)i;
            }
        }
        if (poll(fds, n, -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            usbip_server_log(s, HSS_USBIP_LOG_WARNING, "poll failed (%s); the server stops", strerror(errno));
            break;
        }
        if ((fds[1].revents & POLLIN) != 0) {
            char drain[64];
            while (read(s->wake_read, drain, sizeof(drain)) > 0) {
            }
        }
        if ((fds[0].revents & POLLIN) != 0) {
            accept_connection(s);
        }
        for (nfds_t i = 2; i < n; i++) {
            usbip_connection_t *c = &s->connections[owner[i]];
            if (c->fd == fds[i].fd && (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
                if (!connection_read(s, c, owner[i])) {
                    close_connection(s, c);
                }
            }
        }
    }
    for (size_t i = 0; i < USBIP_CONNECTIONS_MAX; i++) {
        close_connection(s, &s->connections[i]);
    }
    return NULL;
}
