/* The data pipe: bulk transfers with boundaries, short packets and ZLPs, back-pressure, bounds, arming rules. */
#include "fake_port.h"
#include "test_blobs.h"
#include "test_main.h"

#define BULK_IN 0x81u
#define BULK_OUT 0x01u

static blob_writer_t w;
static fake_port_t fake;

static void open_with(hss_usb_speed_t speed, size_t data_out, size_t data_in, bool no_zlp)
{
    fake_port_init(&fake);
    test_blob(&w, PROFILE_VENDOR, true);
    if (!no_zlp) {
        fake_open(&fake, w.bytes, w.length, 4, data_out, data_in);
    } else {
        hss_usb_config_t config;
        memset(&config, 0, sizeof(config));
        config.descriptors = w.bytes;
        config.descriptors_len = w.length;
        config.command_queue_packets = 4;
        config.data_out_bytes = data_out;
        config.data_in_bytes = data_in;
        config.no_zero_length_packets = true;
        size_t size = hss_usb_memory_size(&config);
        fake.memory = malloc(size);
        assert_int_equal(hss_usb_open(&config, fake.memory, size, &fake.port, &fake, &fake.usb), HSS_USB_OK);
    }
    fake_enumerate(&fake, speed);
}

static int open_fs(void **state)
{
    (void)state;
    open_with(HSS_USB_SPEED_FULL, 1024, 1024, false);
    return 0;
}

static int open_hs(void **state)
{
    (void)state;
    open_with(HSS_USB_SPEED_HIGH, 8192, 8192, false);
    return 0;
}

static int close_fake(void **state)
{
    (void)state;
    fake_port_free(&fake);
    return 0;
}

static void fill(uint8_t *p, size_t n, uint32_t seed)
{
    for (size_t i = 0; i < n; i++) {
        p[i] = (uint8_t)((seed + i) * 7u);
    }
}

static uint8_t big[40000];
static uint8_t got[40000];

static void bulk_out_is_armed_with_whole_packets(void **state)
{
    (void)state;
    assert_true(fake_pending(&fake, BULK_OUT));
    size_t length = fake_pending_length(&fake, BULK_OUT);
    assert_int_equal(length % 64u, 0);
    assert_int_equal(length, 1024); /* the whole ring, at most HSS_USB_DATA_CHUNK_MAX */
}

static void bulk_out_bytes_reach_the_reader_in_order(void **state)
{
    (void)state;
    fill(big, 1000, 1);
    fake.woken = 0;
    fake_host_out(&fake, BULK_OUT, big, 100);
    assert_true((fake.woken & HSS_USB_EVENT_DATA_READABLE) != 0u);
    fake_host_out(&fake, BULK_OUT, big + 100, 1);
    assert_int_equal(hss_usb_read_data(fake.usb, got, 50), 50);
    assert_int_equal(hss_usb_read_data(fake.usb, got + 50, 1000), 51);
    assert_memory_equal(got, big, 101);
    assert_int_equal(hss_usb_read_data(fake.usb, got, 1000), 0);
}

static void bulk_out_backpressure_never_drops(void **state)
{
    (void)state;
    /* Ring of 1024: the host fills it; the endpoint stays unarmed until a whole packet of room is free. */
    fill(big, 2048, 3);
    fake_host_out(&fake, BULK_OUT, big, 1024);
    assert_false(fake_pending(&fake, BULK_OUT));
    hss_usb_stats_t stats;
    assert_int_equal(hss_usb_stats(fake.usb, &stats), HSS_USB_OK);
    assert_int_equal(stats.data_out_backpressure, 1);
    assert_int_equal(hss_usb_read_data(fake.usb, got, 63), 63);
    assert_false(fake_pending(&fake, BULK_OUT)); /* 63 bytes of room: less than one packet */
    assert_int_equal(hss_usb_read_data(fake.usb, got + 63, 1), 1);
    assert_true(fake_pending(&fake, BULK_OUT));
    assert_int_equal(fake_pending_length(&fake, BULK_OUT), 64);
    fake_host_out(&fake, BULK_OUT, big + 1024, 64);
    assert_int_equal(hss_usb_read_data(fake.usb, got + 64, sizeof(got)), 1024);
    assert_memory_equal(got, big, 1088);
    assert_true(fake_pending(&fake, BULK_OUT));
    assert_int_equal(fake_pending_length(&fake, BULK_OUT), 1024);
}

static void bulk_out_wraps_around_the_ring(void **state)
{
    (void)state;
    size_t sent = 0, read = 0;
    fill(big, sizeof(big), 11);
    /* Odd-sized host transfers and reads move 19000 bytes through a 1024-byte ring. */
    while (read < 19000u) {
        if (fake_pending(&fake, BULK_OUT) && sent < 19000u) {
            size_t n = fake_pending_length(&fake, BULK_OUT);
            size_t want = 19000u - sent < 333u ? 19000u - sent : 333u;
            n = n < want ? n : want;
            fake_host_out(&fake, BULK_OUT, big + sent, n);
            sent += n;
        }
        int r = hss_usb_read_data(fake.usb, got + read, 77);
        assert_true(r >= 0);
        read += (size_t)r;
    }
    assert_memory_equal(got, big, 19000);
}

static void failed_bulk_out_delivers_nothing(void **state)
{
    (void)state;
    fake_complete(&fake, BULK_OUT, 64, HSS_USB_TRANSFER_FAILED);
    assert_true(fake_pending(&fake, BULK_OUT));
    assert_int_equal(hss_usb_read_data(fake.usb, got, 100), 0);
    fake_host_out(&fake, BULK_OUT, NULL, 0); /* a ZLP from the host ends its transfer: no bytes */
    assert_int_equal(hss_usb_read_data(fake.usb, got, 100), 0);
    assert_true(fake_pending(&fake, BULK_OUT));
}

static void bulk_in_is_armed_only_when_data_is_queued(void **state)
{
    (void)state;
    assert_false(fake_pending(&fake, BULK_IN));
    assert_int_equal(fake_count(&fake, FAKE_TRANSFER, BULK_IN), 0);
    fill(big, 10, 5);
    assert_int_equal(hss_usb_write_data(fake.usb, big, 10, true), 10);
    assert_true(fake_pending(&fake, BULK_IN));
    assert_int_equal(fake_host_in(&fake, BULK_IN, got, sizeof(got)), 10);
    assert_memory_equal(got, big, 10);
    assert_false(fake_pending(&fake, BULK_IN)); /* 10 is short: no ZLP */
}

static void transfer_of_whole_packets_ends_with_a_zlp(void **state)
{
    (void)state;
    fill(big, 128, 5);
    assert_int_equal(hss_usb_write_data(fake.usb, big, 128, true), 128);
    assert_int_equal(fake_host_in(&fake, BULK_IN, got, sizeof(got)), 128);
    assert_true(fake_pending(&fake, BULK_IN));
    assert_int_equal(fake_pending_length(&fake, BULK_IN), 0);
    assert_int_equal(fake_host_in(&fake, BULK_IN, got, sizeof(got)), 0);
    assert_false(fake_pending(&fake, BULK_IN));
}

static void reference_link_sends_no_zlp(void **state)
{
    (void)state;
    fake_port_free(&fake);
    open_with(HSS_USB_SPEED_FULL, 1024, 1024, true);
    assert_int_equal(hss_usb_write_data(fake.usb, big, 128, true), 128);
    assert_int_equal(fake_host_in(&fake, BULK_IN, got, sizeof(got)), 128);
    assert_false(fake_pending(&fake, BULK_IN));
}

static void transfers_are_never_merged(void **state)
{
    (void)state;
    fill(big, 300, 9);
    assert_int_equal(hss_usb_write_data(fake.usb, big, 100, true), 100);
    assert_int_equal(hss_usb_write_data(fake.usb, big + 100, 70, true), 70);
    assert_int_equal(hss_usb_write_data(fake.usb, big + 170, 64, true), 64);
    assert_int_equal(fake_host_in(&fake, BULK_IN, got, sizeof(got)), 100);
    assert_int_equal(fake_host_in(&fake, BULK_IN, got + 100, sizeof(got)), 70);
    assert_int_equal(fake_host_in(&fake, BULK_IN, got + 170, sizeof(got)), 64);
    assert_int_equal(fake_host_in(&fake, BULK_IN, got + 234, sizeof(got)), 0); /* ZLP after the 64 */
    assert_memory_equal(got, big, 234);
    assert_false(fake_pending(&fake, BULK_IN));
}

static void unfinished_transfer_goes_out_in_whole_packets_only(void **state)
{
    (void)state;
    fill(big, 300, 2);
    /* 100 bytes, no end yet: one full packet may go, the 36 after it wait for more or for the end. */
    assert_int_equal(hss_usb_write_data(fake.usb, big, 100, false), 100);
    assert_int_equal(fake_pending_length(&fake, BULK_IN), 64);
    assert_int_equal(fake_host_in(&fake, BULK_IN, got, sizeof(got)), 64);
    assert_false(fake_pending(&fake, BULK_IN));
    assert_int_equal(hss_usb_write_data(fake.usb, big + 100, 50, true), 50);
    assert_int_equal(fake_host_in(&fake, BULK_IN, got + 64, sizeof(got)), 86); /* the rest, ending short */
    assert_memory_equal(got, big, 150);
    assert_false(fake_pending(&fake, BULK_IN));
}

static void end_with_no_bytes_after_whole_packets_sends_a_zlp(void **state)
{
    (void)state;
    fill(big, 128, 2);
    assert_int_equal(hss_usb_write_data(fake.usb, big, 128, false), 128);
    assert_int_equal(fake_host_in(&fake, BULK_IN, got, sizeof(got)), 128);
    assert_false(fake_pending(&fake, BULK_IN));
    assert_int_equal(hss_usb_write_data(fake.usb, NULL, 0, true), 0);
    assert_true(fake_pending(&fake, BULK_IN));
    assert_int_equal(fake_pending_length(&fake, BULK_IN), 0);
    assert_int_equal(fake_host_in(&fake, BULK_IN, got, sizeof(got)), 0);
    /* An end with nothing open does nothing. */
    assert_int_equal(hss_usb_write_data(fake.usb, NULL, 0, true), 0);
    assert_false(fake_pending(&fake, BULK_IN));
}

static void end_given_while_its_last_packet_is_in_flight(void **state)
{
    (void)state;
    fill(big, 64, 2);
    assert_int_equal(hss_usb_write_data(fake.usb, big, 64, false), 64);
    assert_int_equal(fake_pending_length(&fake, BULK_IN), 64);
    /* The end arrives while those 64 bytes are in flight as an unfinished transfer. */
    assert_int_equal(hss_usb_write_data(fake.usb, NULL, 0, true), 0);
    assert_int_equal(fake_host_in(&fake, BULK_IN, got, sizeof(got)), 64);
    assert_int_equal(fake_host_in(&fake, BULK_IN, got, sizeof(got)), 0); /* the ZLP that ends it */
    assert_false(fake_pending(&fake, BULK_IN));
}

static void partial_write_takes_what_fits_and_defers_the_end(void **state)
{
    (void)state;
    fill(big, 2000, 4);
    fake.woken = 0;
    assert_int_equal(hss_usb_write_data(fake.usb, big, 2000, true), 1024); /* ring of 1024 */
    assert_int_equal(hss_usb_ready(fake.usb) & HSS_USB_EVENT_DATA_WRITABLE, 0);
    assert_int_equal(hss_usb_write_data(fake.usb, big + 1024, 976, true), 0);
    /* Not all taken: no end yet, so only whole packets leave (1024 = 16 packets). */
    assert_int_equal(fake_pending_length(&fake, BULK_IN), 1024);
    assert_int_equal(fake_host_in(&fake, BULK_IN, got, sizeof(got)), 1024);
    assert_true((fake.woken & HSS_USB_EVENT_DATA_WRITABLE) != 0u);
    assert_int_equal(hss_usb_write_data(fake.usb, big + 1024, 976, true), 976);
    assert_int_equal(fake_host_in(&fake, BULK_IN, got + 1024, sizeof(got)), 976);
    assert_memory_equal(got, big, 2000);
    assert_false(fake_pending(&fake, BULK_IN)); /* 2000 % 64 = 16: short, no ZLP */
}

static void high_speed_uses_512_byte_packets_and_4k_chunks(void **state)
{
    (void)state;
    assert_int_equal(fake_pending_length(&fake, BULK_OUT), HSS_USB_DATA_CHUNK_MAX);
    fill(big, 10240, 8);
    assert_int_equal(hss_usb_write_data(fake.usb, big, 5000, false), 5000);
    assert_int_equal(fake_pending_length(&fake, BULK_IN), 4096);
    assert_int_equal(hss_usb_write_data(fake.usb, big + 5000, 120, true), 120);
    assert_int_equal(fake_host_in(&fake, BULK_IN, got, sizeof(got)), 4096);
    assert_int_equal(fake_host_in(&fake, BULK_IN, got + 4096, sizeof(got)), 1024); /* 5120: whole packets */
    assert_int_equal(fake_host_in(&fake, BULK_IN, got + 5120, sizeof(got)), 0);   /* so a ZLP ends it */
    assert_memory_equal(got, big, 5120);
    assert_false(fake_pending(&fake, BULK_IN));
}

static void random_writes_arrive_whole_and_in_order(void **state)
{
    (void)state;
    /* Many transfers of pseudo-random sizes and write chunkings through a ring that wraps: every transfer
       arrives as whole port transfers, in order, with a ZLP exactly when its length is a multiple of 512. */
    uint32_t seed = 12345;
    size_t in_at = 0;
    fill(big, sizeof(big), 77);
    size_t lengths[64];
    size_t total = 0;
    for (int t = 0; t < 64; t++) {
        seed = seed * 1103515245u + 12345u;
        lengths[t] = 1u + (seed >> 8) % 700u;
        if (t % 9 == 0) {
            lengths[t] = 512u * (1u + (size_t)t % 3u);
        }
        total += lengths[t];
    }
    assert_true(total <= sizeof(big));
    size_t written = 0;
    int t_write = 0;
    size_t in_transfer = 0;
    int t_read = 0;
    size_t received_in_transfer = 0;
    while (t_read < 64) {
        if (t_write < 64) {
            size_t left = lengths[t_write] - in_transfer;
            seed = seed * 1103515245u + 12345u;
            size_t piece = 1u + (seed >> 8) % 300u;
            piece = piece < left ? piece : left;
            int r = hss_usb_write_data(fake.usb, big + written, piece, piece == left);
            assert_true(r >= 0);
            written += (size_t)r;
            in_transfer += (size_t)r;
            if ((size_t)r == left) {
                t_write++;
                in_transfer = 0;
            }
        }
        if (fake_pending(&fake, BULK_IN)) {
            size_t n = fake_host_in(&fake, BULK_IN, got + in_at, sizeof(got) - in_at);
            in_at += n;
            if (n == 0u) {
                assert_int_equal(received_in_transfer % 512u, 0);
                assert_int_equal(received_in_transfer, lengths[t_read]);
                t_read++;
                received_in_transfer = 0;
            } else {
                received_in_transfer += n;
                assert_true(received_in_transfer <= lengths[t_read]); /* never runs into the next transfer */
                if (n % 512u != 0u) {
                    assert_int_equal(received_in_transfer, lengths[t_read]); /* a short packet ends it */
                    t_read++;
                    received_in_transfer = 0;
                }
            }
        }
    }
    assert_int_equal(in_at, total);
    assert_memory_equal(got, big, total);
}

static void failed_bulk_in_resends_what_did_not_move(void **state)
{
    (void)state;
    fill(big, 200, 6);
    assert_int_equal(hss_usb_write_data(fake.usb, big, 200, true), 200);
    assert_int_equal(fake_pending_length(&fake, BULK_IN), 200);
    fake_complete(&fake, BULK_IN, 128, HSS_USB_TRANSFER_FAILED); /* two packets moved, then an error */
    assert_true(fake_pending(&fake, BULK_IN));
    assert_int_equal(fake_host_in(&fake, BULK_IN, got, sizeof(got)), 72);
    assert_memory_equal(got, big + 128, 72);
    assert_false(fake_pending(&fake, BULK_IN));
}

static void write_and_read_check_their_arguments(void **state)
{
    (void)state;
    assert_int_equal(hss_usb_write_data(fake.usb, NULL, 5, true), HSS_USB_ERR_ARGUMENT);
    assert_int_equal(hss_usb_read_data(fake.usb, NULL, 5), HSS_USB_ERR_ARGUMENT);
    assert_int_equal(hss_usb_read_data(fake.usb, got, 0), HSS_USB_ERR_ARGUMENT);
    assert_int_equal(hss_usb_write_data(NULL, big, 5, true), HSS_USB_ERR_NOT_OPEN);
    assert_int_equal(hss_usb_read_data(NULL, got, 5), HSS_USB_ERR_NOT_OPEN);
    assert_int_equal(hss_usb_ready(NULL), 0);
}

static void single_pipe_carries_everything_on_the_bulk_pair(void **state)
{
    (void)state;
    fake_port_free(&fake);
    fake_port_init(&fake);
    test_blob(&w, PROFILE_SINGLE, true);
    fake_open(&fake, w.bytes, w.length, 4, 1024, 1024);
    fake_enumerate(&fake, HSS_USB_SPEED_HIGH);
    fill(big, 12, 1);
    assert_int_equal(hss_usb_write_data(fake.usb, big, 12, true), 12);
    assert_int_equal(fake_host_in(&fake, BULK_IN, got, sizeof(got)), 12);
    assert_int_equal(fake_pending_length(&fake, BULK_OUT), 1024); /* two 512-byte packets */
    fake_host_out(&fake, BULK_OUT, big, 12);
    assert_int_equal(hss_usb_read_data(fake.usb, got, 100), 12);
    assert_int_equal(hss_usb_ready(fake.usb), HSS_USB_EVENT_DATA_WRITABLE);
}

#define T(name, setup) cmocka_unit_test_setup_teardown(name, setup, close_fake)

static const struct CMUnitTest tests[] = {
    T(bulk_out_is_armed_with_whole_packets, open_fs),
    T(bulk_out_bytes_reach_the_reader_in_order, open_fs),
    T(bulk_out_backpressure_never_drops, open_fs),
    T(bulk_out_wraps_around_the_ring, open_fs),
    T(failed_bulk_out_delivers_nothing, open_fs),
    T(bulk_in_is_armed_only_when_data_is_queued, open_fs),
    T(transfer_of_whole_packets_ends_with_a_zlp, open_fs),
    T(reference_link_sends_no_zlp, open_fs),
    T(transfers_are_never_merged, open_fs),
    T(unfinished_transfer_goes_out_in_whole_packets_only, open_fs),
    T(end_with_no_bytes_after_whole_packets_sends_a_zlp, open_fs),
    T(end_given_while_its_last_packet_is_in_flight, open_fs),
    T(partial_write_takes_what_fits_and_defers_the_end, open_fs),
    T(high_speed_uses_512_byte_packets_and_4k_chunks, open_hs),
    T(random_writes_arrive_whole_and_in_order, open_hs),
    T(failed_bulk_in_resends_what_did_not_move, open_fs),
    T(write_and_read_check_their_arguments, open_fs),
    T(single_pipe_carries_everything_on_the_bulk_pair, open_fs),
};

TEST_MAIN("data_pipe", tests)
