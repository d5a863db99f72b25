/* Descriptor blobs for the tests, written here field by field (the C# side's real blobs are in fixtures/). */
#ifndef TEST_BLOBS_H
#define TEST_BLOBS_H

#include "hss_usb_core.h"

typedef struct blob_writer {
    uint8_t bytes[HSS_USB_DESCRIPTORS_MAX + 256];
    size_t length;
    uint16_t count;
} blob_writer_t;

typedef enum test_profile {
    PROFILE_VENDOR, /* one interface, bulk 0x81/0x01 and interrupt 0x82/0x02 */
    PROFILE_CDC,    /* IAD, communications interface 0 (interrupt pair), data interface 1 (bulk pair) */
    PROFILE_SINGLE  /* one interface, bulk pair only */
} test_profile_t;

#define TEST_VENDOR_CODE 0x01u
#define TEST_MS_OS_SET_LENGTH 30u

void blob_begin(blob_writer_t *w);
/* Appends an entry header and the descriptor bytes. */
void blob_add(blob_writer_t *w, uint8_t type, uint8_t index, uint16_t language_id, uint8_t speed, const uint8_t *d,
              size_t length);
/* Writes the entry count into the header. */
void blob_finish(blob_writer_t *w);

/* A configuration (type 2) or other-speed configuration (type 7) descriptor for bulk packets of `bulk_packet`. */
size_t test_configuration(uint8_t *out, uint8_t type, test_profile_t profile, uint16_t bulk_packet);

/* A whole valid blob: device, configuration(s), strings, BOS, MS OS 2.0 set; with `high_speed` also the high-speed
   configuration, the device qualifier and the other-speed configurations. */
void test_blob(blob_writer_t *w, test_profile_t profile, bool high_speed);

/* Reads a fixture file (fixtures/NAME written by the C# side) into `out`; its length, or 0 when missing. */
size_t test_fixture(const char *name, uint8_t *out, size_t capacity);

/* The names of the *.bin files in fixtures/, sorted, at most `max`; their count. */
size_t test_fixture_names(char names[][128], size_t max);

#endif /* TEST_BLOBS_H */
