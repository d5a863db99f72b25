/*
 * hss_usbip.h: the server's lifetime, the core opened through it, and the port functions the core calls. The port
 * functions only update the endpoints under ep_lock and wake the server's thread (usbip_server.h says why).
 */
#define _POSIX_C_SOURCE 200809L

#include "hss_usbip.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include "hss_usb_port.h"
#include "usbip_server.h"

static hss_usbip_t *server_of(void *context)
{
    return (hss_usbip_t *)context;
}

static int port_endpoint_open(void *context, uint8_t address, uint8_t type, uint16_t max_packet)
{
    hss_usbip_t *s = server_of(context);
    pthread_mutex_lock(&s->ep_lock);
    int result = usbip_endpoints_open(&s->endpoints, address, type, max_packet);
    pthread_mutex_unlock(&s->ep_lock);
    return result < 0 ? HSS_USB_ERR_PORT : 0;
}

static void port_endpoint_close(void *context, uint8_t address)
{
    hss_usbip_t *s = server_of(context);
    pthread_mutex_lock(&s->ep_lock);
    usbip_endpoints_close(&s->endpoints, address);
    pthread_mutex_unlock(&s->ep_lock);
}

static int port_endpoint_transfer(void *context, uint8_t address, uint8_t *buffer, size_t length)
{
    hss_usbip_t *s = server_of(context);
    pthread_mutex_lock(&s->ep_lock);
    int result = usbip_endpoints_arm(&s->endpoints, address, buffer, length);
    pthread_mutex_unlock(&s->ep_lock);
    if (result < 0) {
        return HSS_USB_ERR_PORT;
    }
    usbip_server_signal(s); /* the server's thread matches it with the host's URBs */
    return 0;
}

static void port_endpoint_stall(void *context, uint8_t address, bool stalled)
{
    hss_usbip_t *s = server_of(context);
    pthread_mutex_lock(&s->ep_lock);
    size_t n = usbip_endpoints_stall(&s->endpoints, address, stalled, &s->pending[s->pending_count],
                                     USBIP_URBS_MAX - s->pending_count);
    s->pending_count += n;
    pthread_mutex_unlock(&s->ep_lock);
    usbip_server_signal(s);
}

static void port_connect(void *context, bool connected)
{
    hss_usbip_t *s = server_of(context);
    pthread_mutex_lock(&s->ep_lock);
    s->connected = connected;
    pthread_mutex_unlock(&s->ep_lock);
    usbip_server_signal(s);
}

static void port_lock(void *context)
{
    pthread_mutex_lock(&server_of(context)->core_lock);
}

static void port_unlock(void *context)
{
    pthread_mutex_unlock(&server_of(context)->core_lock);
}

static void port_wake(void *context, uint32_t events)
{
    hss_usbip_t *s = server_of(context);
    pthread_mutex_lock(&s->ep_lock);
    hss_usbip_wake_t wake = s->wake;
    pthread_mutex_unlock(&s->ep_lock);
    if (wake != NULL) {
        wake(events);
    }
}

int hss_usbip_start(const char *address, uint16_t port, int high_speed, hss_usbip_t **out)
{
    if (out == NULL || address == NULL) {
        return -EINVAL;
    }
    *out = NULL;
    struct sockaddr_storage bind_to;
    socklen_t bind_len;
    memset(&bind_to, 0, sizeof(bind_to));
    struct sockaddr_in *v4 = (struct sockaddr_in *)&bind_to;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&bind_to;
    if (inet_pton(AF_INET, address, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(port);
        bind_len = sizeof(*v4);
    } else if (inet_pton(AF_INET6, address, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(port);
        bind_len = sizeof(*v6);
    } else {
        return -EINVAL;
    }
    hss_usbip_t *s = calloc(1, sizeof(*s));
    if (s == NULL) {
        return -ENOMEM;
    }
    s->listen_fd = -1;
    s->wake_read = -1;
    s->wake_write = -1;
    s->importer = -1;
    s->high_speed = high_speed != 0;
    for (size_t i = 0; i < USBIP_CONNECTIONS_MAX; i++) {
        s->connections[i].fd = -1;
    }
    usbip_endpoints_init(&s->endpoints);
    pthread_mutex_init(&s->core_lock, NULL);
    pthread_mutex_init(&s->ep_lock, NULL);
    int error = 0;
    int pipe_fds[2];
    s->listen_fd = socket(bind_to.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s->listen_fd < 0 || pipe(pipe_fds) != 0) {
        error = -errno;
    } else {
        s->wake_read = pipe_fds[0];
        s->wake_write = pipe_fds[1];
        fcntl(s->wake_read, F_SETFL, O_NONBLOCK);
        fcntl(s->wake_write, F_SETFL, O_NONBLOCK);
        fcntl(s->wake_read, F_SETFD, FD_CLOEXEC);
        fcntl(s->wake_write, F_SETFD, FD_CLOEXEC);
        int one = 1;
        setsockopt(s->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (bind(s->listen_fd, (struct sockaddr *)&bind_to, bind_len) != 0 || listen(s->listen_fd, 8) != 0) {
            error = -errno;
        }
    }
    if (error == 0) {
        struct sockaddr_storage bound;
        socklen_t bound_len = sizeof(bound);
        getsockname(s->listen_fd, (struct sockaddr *)&bound, &bound_len);
        s->port = ntohs(bound.ss_family == AF_INET ? ((struct sockaddr_in *)&bound)->sin_port
                                                   : ((struct sockaddr_in6 *)&bound)->sin6_port);
        error = -pthread_create(&s->thread, NULL, usbip_server_run, s);
        s->thread_started = error == 0;
    }
    if (error != 0) {
        hss_usbip_stop(s);
        return error;
    }
    *out = s;
    return 0;
}

uint16_t hss_usbip_bound_port(const hss_usbip_t *server)
{
    return server == NULL ? 0u : server->port;
}

void hss_usbip_set_log(hss_usbip_t *server, hss_usbip_log_t log)
{
    if (server != NULL) {
        pthread_mutex_lock(&server->ep_lock);
        server->log = log;
        pthread_mutex_unlock(&server->ep_lock);
    }
}

void hss_usbip_set_wake(hss_usbip_t *server, hss_usbip_wake_t wake)
{
    if (server != NULL) {
        pthread_mutex_lock(&server->ep_lock);
        server->wake = wake;
        pthread_mutex_unlock(&server->ep_lock);
    }
}

/* The first descriptor of `type` with index 0 for the bus speed (or any speed) in the blob (docs/native-usb.md). */
static const uint8_t *blob_find(const uint8_t *blob, size_t length, uint8_t type, bool high_speed, size_t *found_len)
{
    if (length < 8u || memcmp(blob, "HSSD", 4) != 0 || blob[4] != 1u) {
        return NULL;
    }
    size_t count = (size_t)(blob[6] | (blob[7] << 8));
    size_t offset = 8;
    for (size_t i = 0; i < count && offset + 8u <= length; i++) {
        const uint8_t *entry = blob + offset;
        size_t entry_len = (size_t)(entry[6] | (entry[7] << 8));
        if (offset + 8u + entry_len > length) {
            return NULL;
        }
        uint8_t speed = entry[4];
        if (entry[0] == type && entry[1] == 0u && (speed == 0u || speed == (high_speed ? 2u : 1u))) {
            *found_len = entry_len;
            return entry + 8;
        }
        offset += 8u + entry_len;
    }
    return NULL;
}

int hss_usbip_open(hss_usbip_t *server, const uint8_t *descriptors, size_t descriptors_len,
                   size_t command_queue_packets, size_t data_out_bytes, size_t data_in_bytes)
{
    if (server == NULL || descriptors == NULL) {
        return HSS_USB_ERR_ARGUMENT;
    }
    if (server->opened) {
        return HSS_USB_ERR_ARGUMENT; /* once per server: a reader may still hold the first instance */
    }
    hss_usb_config_t config;
    config.descriptors = descriptors;
    config.descriptors_len = descriptors_len;
    config.command_queue_packets = command_queue_packets;
    config.data_out_bytes = data_out_bytes;
    config.data_in_bytes = data_in_bytes;
    size_t size = hss_usb_memory_size(&config);
    if (size == 0u) {
        return HSS_USB_ERR_ARGUMENT;
    }
    size_t device_len = 0;
    size_t configuration_len = 0;
    const uint8_t *device = blob_find(descriptors, descriptors_len, 1u, server->high_speed, &device_len);
    const uint8_t *configuration = blob_find(descriptors, descriptors_len, 2u, server->high_speed, &configuration_len);
    usbip_device_info_t info;
    if (!usbip_device_info_parse(&info, device, device_len, configuration, configuration_len, server->high_speed)) {
        return HSS_USB_ERR_DESCRIPTORS;
    }
    void *memory = NULL;
    if (posix_memalign(&memory, 8, size) != 0) {
        return HSS_USB_ERR_NO_MEMORY;
    }
    server->port_functions.endpoint_open = port_endpoint_open;
    server->port_functions.endpoint_close = port_endpoint_close;
    server->port_functions.endpoint_transfer = port_endpoint_transfer;
    server->port_functions.endpoint_stall = port_endpoint_stall;
    server->port_functions.connect = port_connect;
    server->port_functions.lock = port_lock;
    server->port_functions.unlock = port_unlock;
    server->port_functions.wake = port_wake;
    hss_usb_t *usb = NULL;
    hss_usb_status_t status = hss_usb_open(&config, memory, size, &server->port_functions, server, &usb);
    if (status != HSS_USB_OK) {
        free(memory);
        return status;
    }
    /* The server's thread reads these only after the import it serves, which needs have_info: a release store
     * through the lock below orders them. */
    pthread_mutex_lock(&server->ep_lock);
    server->memory = memory;
    server->usb = usb;
    server->info = info;
    server->opened = true;
    server->have_info = true;
    pthread_mutex_unlock(&server->ep_lock);
    usbip_server_signal(server);
    return HSS_USB_OK;
}

void hss_usbip_close(hss_usbip_t *server)
{
    if (server != NULL && server->opened) {
        hss_usb_close(server->usb);
    }
}

#define CORE(server) ((server) != NULL && (server)->opened ? (server)->usb : NULL)

int hss_usbip_link_state(hss_usbip_t *server)
{
    hss_usb_t *usb = CORE(server);
    return usb == NULL ? HSS_USB_LINK_DOWN : (int)hss_usb_link_state(usb);
}

int hss_usbip_is_single_pipe(hss_usbip_t *server)
{
    hss_usb_t *usb = CORE(server);
    return usb != NULL && hss_usb_is_single_pipe(usb) ? 1 : 0;
}

int hss_usbip_read_command(hss_usbip_t *server, uint8_t *buffer, size_t capacity)
{
    hss_usb_t *usb = CORE(server);
    return usb == NULL ? HSS_USB_ERR_NOT_OPEN : hss_usb_read_command(usb, buffer, capacity);
}

int hss_usbip_write_command(hss_usbip_t *server, const uint8_t *packet, size_t length)
{
    hss_usb_t *usb = CORE(server);
    return usb == NULL ? HSS_USB_ERR_NOT_OPEN : hss_usb_write_command(usb, packet, length);
}

int hss_usbip_read_data(hss_usbip_t *server, uint8_t *buffer, size_t capacity)
{
    hss_usb_t *usb = CORE(server);
    return usb == NULL ? HSS_USB_ERR_NOT_OPEN : hss_usb_read_data(usb, buffer, capacity);
}

int hss_usbip_write_data(hss_usbip_t *server, const uint8_t *data, size_t length, int end_of_transfer)
{
    hss_usb_t *usb = CORE(server);
    return usb == NULL ? HSS_USB_ERR_NOT_OPEN : hss_usb_write_data(usb, data, length, end_of_transfer != 0);
}

uint32_t hss_usbip_ready(hss_usbip_t *server)
{
    hss_usb_t *usb = CORE(server);
    return usb == NULL ? 0u : hss_usb_ready(usb);
}

void hss_usbip_counters(hss_usbip_t *server, hss_usbip_counters_t *out)
{
    if (server == NULL || out == NULL) {
        return;
    }
    /* Written by the server's thread only; a torn read of a counter is harmless for a report. */
    pthread_mutex_lock(&server->ep_lock);
    *out = server->counters;
    pthread_mutex_unlock(&server->ep_lock);
}

void hss_usbip_stop(hss_usbip_t *server)
{
    if (server == NULL) {
        return;
    }
    pthread_mutex_lock(&server->ep_lock);
    server->stopping = true;
    pthread_mutex_unlock(&server->ep_lock);
    if (server->thread_started) {
        usbip_server_signal(server);
        pthread_join(server->thread, NULL);
    }
    if (server->opened) {
        hss_usb_close(server->usb);
    }
    pthread_mutex_lock(&server->ep_lock);
    usbip_endpoints_clear_urbs(&server->endpoints);
    pthread_mutex_unlock(&server->ep_lock);
    if (server->listen_fd >= 0) {
        close(server->listen_fd);
    }
    if (server->wake_read >= 0) {
        close(server->wake_read);
    }
    if (server->wake_write >= 0) {
        close(server->wake_write);
    }
    pthread_mutex_destroy(&server->core_lock);
    pthread_mutex_destroy(&server->ep_lock);
    free(server->memory);
    free(server);
}
