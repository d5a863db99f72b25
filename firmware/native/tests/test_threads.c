/*
 * The core under real threads: a port whose lock is a pthread mutex, a "host" thread that completes transfers as
 * a bus would, and device threads that write and read both pipes at once. Every byte and command must arrive in
 * order, whole, once. Waits are bounded so a lost wake-up fails the test instead of hanging it.
 */
#include "test_blobs.h"
#include "test_main.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#define BULK_IN 0x81u
#define BULK_OUT 0x01u
#define INT_IN 0x82u
#define INT_OUT 0x02u
#define DATA_BYTES 300000u
#define COMMANDS 3000u

typedef struct pending {
    bool busy;
    uint8_t *buffer;
    size_t length;
} pending_t;

typedef struct rig {
    hss_usb_port_t port;
    hss_usb_t *usb;
    pthread_mutex_t core_lock;
    pthread_mutex_t state; /* guards the fields below; never held while calling into the core */
    pthread_cond_t changed;
    pending_t endpoints[32];
    uint32_t events;
    bool stop;
    const char *failure; /* set by a thread (cmocka's asserts belong to the test's own thread) */
} rig_t;

static rig_t rig;
static uint8_t device_sent[DATA_BYTES], host_received[DATA_BYTES];
static uint8_t host_sent[DATA_BYTES], device_received[DATA_BYTES];

static size_t slot(uint8_t address)
{
    return (size_t)(address & 0x0Fu) + ((address & 0x80u) != 0u ? 16u : 0u);
}

static int ep_open(void *c, uint8_t a, uint8_t t, uint16_t m)
{
    (void)c, (void)a, (void)t, (void)m;
    return 0;
}
static void ep_close(void *c, uint8_t a)
{
    (void)c, (void)a;
}
static void ep_stall(void *c, uint8_t a, bool s)
{
    (void)c, (void)a, (void)s;
}
static void connect(void *c, bool on)
{
    (void)c, (void)on;
}
static int ep_transfer(void *c, uint8_t address, uint8_t *buffer, size_t length)
{
    (void)c;
    pthread_mutex_lock(&rig.state);
    pending_t *p = &rig.endpoints[slot(address)];
    int result = p->busy ? -1 : 0;
    p->busy = true;
    p->buffer = buffer;
    p->length = length;
    pthread_cond_broadcast(&rig.changed);
    pthread_mutex_unlock(&rig.state);
    return result;
}
static void lock(void *c)
{
    (void)c;
    pthread_mutex_lock(&rig.core_lock);
}
static void unlock(void *c)
{
    (void)c;
    pthread_mutex_unlock(&rig.core_lock);
}
static void wake(void *c, uint32_t events)
{
    (void)c;
    pthread_mutex_lock(&rig.state);
    rig.events |= events;
    pthread_cond_broadcast(&rig.changed);
    pthread_mutex_unlock(&rig.state);
}

/* Waits until `done` holds or 20 s pass (a lost wake-up); false on timeout. */
static bool wait_for(bool (*done)(void))
{
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 20;
    pthread_mutex_lock(&rig.state);
    bool ok = true;
    while (!done() && !rig.stop) {
        if (pthread_cond_timedwait(&rig.changed, &rig.state, &deadline) != 0) {
            ok = done();
            break;
        }
    }
    pthread_mutex_unlock(&rig.state);
    return ok;
}

static size_t host_in_at, host_out_at, host_commands_in, host_commands_out;

static void fail_with(const char *why)
{
    pthread_mutex_lock(&rig.state);
    if (rig.failure == NULL) {
        rig.failure = why;
    }
    rig.stop = true;
    pthread_cond_broadcast(&rig.changed);
    pthread_mutex_unlock(&rig.state);
}

static bool stopped(void)
{
    pthread_mutex_lock(&rig.state);
    bool stop = rig.stop;
    pthread_mutex_unlock(&rig.state);
    return stop;
}

/* What the host can do now: take an IN transfer, or fill an OUT one while it has bytes or commands left. */
static bool host_can_move(void)
{
    return rig.endpoints[slot(BULK_IN)].busy || rig.endpoints[slot(INT_IN)].busy ||
           (rig.endpoints[slot(BULK_OUT)].busy && host_out_at < DATA_BYTES) ||
           (rig.endpoints[slot(INT_OUT)].busy && host_commands_out < COMMANDS);
}

/* The host: takes whatever IN transfer is pending, fills whatever OUT transfer is pending, in odd sizes. */
static void *host_thread(void *arg)
{
    (void)arg;
    uint32_t seed = 7;
    while (host_in_at < DATA_BYTES || host_out_at < DATA_BYTES || host_commands_in < COMMANDS ||
           host_commands_out < COMMANDS) {
        if (!wait_for(host_can_move)) {
            fail_with("host: no transfer came (a lost wake-up or a stuck pipe)");
            return NULL;
        }
        if (stopped()) {
            return NULL;
        }
        uint8_t addresses[4] = {BULK_IN, INT_IN, BULK_OUT, INT_OUT};
        for (int i = 0; i < 4; i++) {
            pthread_mutex_lock(&rig.state);
            pending_t p = rig.endpoints[slot(addresses[i])];
            bool idle_out = (addresses[i] == BULK_OUT && host_out_at == DATA_BYTES) ||
                            (addresses[i] == INT_OUT && host_commands_out == COMMANDS);
            if (p.busy && !idle_out) {
                rig.endpoints[slot(addresses[i])].busy = false;
            }
            pthread_mutex_unlock(&rig.state);
            if (!p.busy || idle_out) {
                continue; /* an OUT transfer the host has nothing for stays pending, as on a bus */
            }
            size_t actual = p.length;
            if (addresses[i] == BULK_IN) {
                if (host_in_at + actual > DATA_BYTES) {
                    fail_with("host: more bytes than the device wrote");
                    return NULL;
                }
                memcpy(host_received + host_in_at, p.buffer, actual);
                host_in_at += actual;
            } else if (addresses[i] == INT_IN) {
                if (actual != 12u || p.buffer[0] != (uint8_t)host_commands_in) {
                    fail_with("host: a command out of order or cut");
                    return NULL;
                }
                host_commands_in++;
            } else if (addresses[i] == BULK_OUT) {
                seed = seed * 1103515245u + 12345u;
                size_t want = 1u + (seed >> 8) % 700u;
                size_t left = DATA_BYTES - host_out_at;
                actual = want < p.length ? want : p.length;
                actual = actual < left ? actual : left;
                memcpy(p.buffer, host_sent + host_out_at, actual);
                host_out_at += actual;
            } else {
                memset(p.buffer, (uint8_t)host_commands_out, 20);
                actual = 20;
                host_commands_out++;
            }
            hss_usb_port_transfer_complete(rig.usb, addresses[i], actual, HSS_USB_TRANSFER_OK);
        }
    }
    return NULL;
}

static bool device_may_go(void)
{
    bool go = rig.events != 0u;
    rig.events = 0;
    return go;
}

/* The device: writes its stream and commands, reads the host's, waiting on wake-ups when nothing moves. */
static void *device_thread(void *arg)
{
    (void)arg;
    size_t written = 0, read = 0, commands_written = 0, commands_read = 0;
    uint32_t seed = 99;
    uint8_t packet[64];
    while (!stopped() && (written < DATA_BYTES || read < DATA_BYTES || commands_written < COMMANDS ||
                         commands_read < COMMANDS)) {
        bool moved = false;
        if (written < DATA_BYTES) {
            seed = seed * 1103515245u + 12345u;
            size_t piece = 1u + (seed >> 8) % 2000u;
            piece = piece < DATA_BYTES - written ? piece : DATA_BYTES - written;
            int r = hss_usb_write_data(rig.usb, device_sent + written, piece, (seed & 1u) != 0u);
            if (r < 0) {
                fail_with("device: write_data failed");
                return NULL;
            }
            written += (size_t)r;
            moved |= r > 0;
            if (written == DATA_BYTES && r > 0) {
                (void)hss_usb_write_data(rig.usb, NULL, 0, true); /* the last transfer ends */
            }
        }
        int r = read < DATA_BYTES ? hss_usb_read_data(rig.usb, device_received + read, DATA_BYTES - read) : 0;
        if (r < 0) {
            fail_with("device: read_data failed");
            return NULL;
        }
        read += (size_t)r;
        moved |= r > 0;
        if (commands_written < COMMANDS) {
            memset(packet, (uint8_t)commands_written, 12);
            r = hss_usb_write_command(rig.usb, packet, 12);
            if (r != 0 && r != 12) {
                fail_with("device: write_command failed");
                return NULL;
            }
            commands_written += r > 0 ? 1u : 0u;
            moved |= r > 0;
        }
        r = hss_usb_read_command(rig.usb, packet, sizeof(packet));
        if (r != 0 && (r != 20 || packet[0] != (uint8_t)commands_read)) {
            fail_with("device: a command out of order or cut");
            return NULL;
        }
        if (r == 20) {
            commands_read++;
            moved = true;
        }
        if (!moved && !wait_for(device_may_go)) {
            fail_with("device: no wake-up came (a lost wake-up or a stuck pipe)");
            return NULL;
        }
    }
    if (commands_read != COMMANDS || read != DATA_BYTES) {
        fail_with("device: stopped early");
    }
    return NULL;
}

static void both_pipes_move_under_real_threads(void **state)
{
    (void)state;
    memset(&rig, 0, sizeof(rig));
    pthread_mutex_init(&rig.core_lock, NULL);
    pthread_mutex_init(&rig.state, NULL);
    pthread_cond_init(&rig.changed, NULL);
    hss_usb_port_t port = {ep_open, ep_close, ep_transfer, ep_stall, connect, lock, unlock, wake};
    rig.port = port;
    for (size_t i = 0; i < DATA_BYTES; i++) {
        device_sent[i] = (uint8_t)(i * 31u + 7u);
        host_sent[i] = (uint8_t)(i * 13u + 1u);
    }
    host_in_at = host_out_at = host_commands_in = host_commands_out = 0;

    static blob_writer_t w;
    test_blob(&w, PROFILE_VENDOR, true);
    hss_usb_config_t config;
    memset(&config, 0, sizeof(config));
    config.descriptors = w.bytes;
    config.descriptors_len = w.length;
    config.command_queue_packets = 4;
    config.data_out_bytes = 3000;
    config.data_in_bytes = 5000;
    size_t size = hss_usb_memory_size(&config);
    void *memory = malloc(size);
    assert_int_equal(hss_usb_open(&config, memory, size, &rig.port, &rig, &rig.usb), HSS_USB_OK);
    hss_usb_port_bus_reset(rig.usb, HSS_USB_SPEED_HIGH);
    uint8_t set_configuration[8] = {0x00, 9, 1, 0, 0, 0, 0, 0};
    const uint8_t *data;
    size_t length;
    assert_int_equal(hss_usb_port_control(rig.usb, set_configuration, &data, &length), HSS_USB_CONTROL_ACK);

    pthread_t host, device;
    pthread_create(&host, NULL, host_thread, NULL);
    pthread_create(&device, NULL, device_thread, NULL);
    pthread_join(device, NULL);
    /* The host ends by itself once it has taken everything the device queued (or fails after its wait). */
    pthread_join(host, NULL);

    if (rig.failure != NULL) {
        fail_msg("%s", rig.failure);
    }
    assert_int_equal(host_in_at, DATA_BYTES);
    assert_memory_equal(host_received, device_sent, DATA_BYTES);
    assert_memory_equal(device_received, host_sent, DATA_BYTES);
    assert_int_equal(host_commands_in, COMMANDS);
    hss_usb_close(rig.usb);
    free(memory);
    pthread_cond_destroy(&rig.changed);
    pthread_mutex_destroy(&rig.state);
    pthread_mutex_destroy(&rig.core_lock);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(both_pipes_move_under_real_threads),
};

TEST_MAIN("threads", tests)
