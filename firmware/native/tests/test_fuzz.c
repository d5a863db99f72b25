/*
 * Bad bytes never crash the core: blobs with random bytes changed, random SETUP packets, random completions.
 * Deterministic (a fixed seed) so a failure repeats; run under ASan + UBSan by the sanitized build, where an
 * out-of-bounds read or an overflow stops the test.
 */
#include "fake_port.h"
#include "test_blobs.h"
#include "test_main.h"

#include <stdlib.h>

static uint32_t seed;

static uint32_t next(void)
{
    seed = seed * 1103515245u + 12345u;
    return seed >> 8;
}

/* Every answer must lie inside the instance's memory, capped at wLength. */
static void check_answer(fake_port_t *fake, size_t memory_size, const uint8_t setup[8], hss_usb_control_result_t r,
                         const uint8_t *data, size_t length)
{
    if (r != HSS_USB_CONTROL_DATA) {
        assert_int_equal(length, 0);
        return;
    }
    uint16_t w_length = (uint16_t)(setup[6] | (setup[7] << 8));
    const uint8_t *start = (const uint8_t *)fake->memory;
    if (length == 0u || length > w_length) {
        fail_msg("setup %02x %02x %02x%02x %02x%02x %02x%02x answered %zu bytes", setup[0], setup[1], setup[3],
                 setup[2], setup[5], setup[4], setup[7], setup[6], length);
    }
    assert_true(data >= start && data + length <= start + memory_size);
}

static void changed_blobs_are_refused_or_served_safely(void **state)
{
    (void)state;
    static blob_writer_t good, bad;
    seed = 1;
    test_blob(&good, PROFILE_CDC, true);
    size_t accepted = 0;
    for (int round = 0; round < 3000; round++) {
        bad = good;
        int changes = 1 + (int)(next() % 4u);
        for (int c = 0; c < changes; c++) {
            bad.bytes[next() % good.length] = (uint8_t)next();
        }
        size_t length = good.length - ((next() % 8u) == 0u ? next() % good.length : 0u);
        hss_usb_config_t config;
        memset(&config, 0, sizeof(config));
        config.descriptors = bad.bytes;
        config.descriptors_len = length;
        config.command_queue_packets = 2;
        config.data_out_bytes = 1024;
        config.data_in_bytes = 1024;
        size_t size = hss_usb_memory_size(&config);
        if (size == 0u) {
            continue;
        }
        accepted++;
        fake_port_t fake;
        fake_port_init(&fake);
        hss_usb_t *usb = fake_open(&fake, bad.bytes, length, 2, 1024, 1024);
        hss_usb_port_bus_reset(usb, (next() & 1u) != 0u ? HSS_USB_SPEED_HIGH : HSS_USB_SPEED_FULL);
        for (uint8_t type = 1; type <= 15; type++) {
            for (uint8_t index = 0; index < 5; index++) {
                uint8_t setup[8] = {0x80, 6, index, type, 0x09, 0x04, 0xFF, 0xFF};
                const uint8_t *data = NULL;
                size_t n = 0;
                hss_usb_control_result_t r = hss_usb_port_control(usb, setup, &data, &n);
                check_answer(&fake, size, setup, r, data, n);
            }
        }
        (void)fake_setup(&fake, 0x00, 9, 1, 0, 0, NULL, NULL);
        fake_port_free(&fake);
    }
    /* Changes inside string text keep a blob valid: some must have been served, or this test tested nothing. */
    assert_true(accepted > 10u);
}

static void random_setups_never_break_the_instance(void **state)
{
    (void)state;
    static blob_writer_t w;
    seed = 2;
    test_blob(&w, PROFILE_VENDOR, true);
    fake_port_t fake;
    fake_port_init(&fake);
    hss_usb_t *usb = fake_open(&fake, w.bytes, w.length, 2, 1024, 1024);
    hss_usb_config_t config;
    memset(&config, 0, sizeof(config));
    config.descriptors = w.bytes;
    config.descriptors_len = w.length;
    config.command_queue_packets = 2;
    config.data_out_bytes = 1024;
    config.data_in_bytes = 1024;
    size_t size = hss_usb_memory_size(&config);
    fake.no_record = true;
    fake_enumerate(&fake, HSS_USB_SPEED_FULL);
    for (int round = 0; round < 200000; round++) {
        uint8_t setup[8];
        for (int i = 0; i < 8; i++) {
            setup[i] = (uint8_t)next();
        }
        /* Bias toward the requests the core knows, so their argument checks are what gets hit. */
        if ((round & 1) == 0) {
            setup[0] &= 0xE3u;
            setup[1] = (uint8_t)(setup[1] % 13u);
        }
        const uint8_t *data = NULL;
        size_t n = 0;
        hss_usb_control_result_t r = hss_usb_port_control(usb, setup, &data, &n);
        check_answer(&fake, size, setup, r, data, n);
        if (hss_usb_link_state(usb) == HSS_USB_LINK_DOWN) {
            fake_enumerate(&fake, HSS_USB_SPEED_FULL);
        }
    }
    fake_port_free(&fake);
}

static void completions_with_any_values_are_survived(void **state)
{
    (void)state;
    static blob_writer_t w;
    seed = 3;
    test_blob(&w, PROFILE_VENDOR, false);
    fake_port_t fake;
    fake_port_init(&fake);
    hss_usb_t *usb = fake_open(&fake, w.bytes, w.length, 2, 1024, 1024);
    fake.no_record = true;
    fake_enumerate(&fake, HSS_USB_SPEED_FULL);
    uint8_t buffer[2048];
    memset(buffer, 0x5A, sizeof(buffer));
    const uint8_t addresses[6] = {0x81, 0x01, 0x82, 0x02, 0x83, 0x00};
    for (int round = 0; round < 100000; round++) {
        uint8_t address = addresses[next() % 6u];
        size_t actual = next() % 5000u;
        hss_usb_transfer_result_t result = (hss_usb_transfer_result_t)(next() % 4u); /* 3 is out of range */
        /* The fake's record is cleared as a real port's would be once it reports the transfer. */
        fake.transfers[fake_slot(address)].pending = false;
        hss_usb_port_transfer_complete(usb, address, actual, result);
        (void)hss_usb_write_data(usb, buffer, next() % 700u, (next() & 1u) != 0u);
        (void)hss_usb_write_command(usb, buffer, 1u + next() % 64u);
        (void)hss_usb_read_data(usb, buffer, sizeof(buffer));
        (void)hss_usb_read_command(usb, buffer, 64);
        if (next() % 1000u == 0u) {
            fake_enumerate(&fake, HSS_USB_SPEED_FULL);
        }
    }
    hss_usb_stats_t stats;
    assert_int_equal(hss_usb_stats(usb, &stats), HSS_USB_OK);
    assert_true(stats.completions_ignored > 0u); /* most were for nothing in flight */
    assert_true(stats.port_errors > 0u);         /* and some claimed more than was asked */
    fake_port_free(&fake);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(changed_blobs_are_refused_or_served_safely),
    cmocka_unit_test(random_setups_never_break_the_instance),
    cmocka_unit_test(completions_with_any_values_are_survived),
};

TEST_MAIN("fuzz", tests)
