#include "test_blobs.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void blob_begin(blob_writer_t *w)
{
    memset(w, 0, sizeof(*w));
    w->bytes[0] = 'H';
    w->bytes[1] = 'S';
    w->bytes[2] = 'S';
    w->bytes[3] = 'D';
    w->bytes[4] = 1;
    w->length = 8;
}

void blob_add(blob_writer_t *w, uint8_t type, uint8_t index, uint16_t language_id, uint8_t speed, const uint8_t *d,
              size_t length)
{
    uint8_t *h = w->bytes + w->length;
    h[0] = type;
    h[1] = index;
    h[2] = (uint8_t)language_id;
    h[3] = (uint8_t)(language_id >> 8);
    h[4] = speed;
    h[5] = 0;
    h[6] = (uint8_t)length;
    h[7] = (uint8_t)(length >> 8);
    memcpy(h + 8, d, length);
    w->length += 8u + length;
    w->count++;
}

void blob_finish(blob_writer_t *w)
{
    w->bytes[6] = (uint8_t)w->count;
    w->bytes[7] = (uint8_t)(w->count >> 8);
}

static size_t put(uint8_t *out, size_t at, const uint8_t *d, size_t length)
{
    memcpy(out + at, d, length);
    return at + length;
}

static size_t endpoint(uint8_t *out, size_t at, uint8_t address, uint8_t attributes, uint16_t packet,
                       uint8_t interval)
{
    const uint8_t d[7] = {7, 5, address, attributes, (uint8_t)packet, (uint8_t)(packet >> 8), interval};
    return put(out, at, d, sizeof(d));
}

size_t test_configuration(uint8_t *out, uint8_t type, test_profile_t profile, uint16_t bulk_packet)
{
    size_t at = 0;
    uint8_t interfaces = profile == PROFILE_CDC ? 2 : 1;
    const uint8_t config[9] = {9, type, 0, 0, interfaces, 1, 0, 0x80, 50};
    at = put(out, at, config, sizeof(config));
    if (profile == PROFILE_CDC) {
        const uint8_t iad[8] = {8, 0x0B, 0, 2, 0x02, 0xAB, 0, 4};
        const uint8_t comm[9] = {9, 4, 0, 0, 2, 0x02, 0xAB, 0, 4};
        const uint8_t header[5] = {5, 0x24, 0x00, 0x20, 0x01};
        const uint8_t unio[5] = {5, 0x24, 0x06, 0, 1};
        const uint8_t data[9] = {9, 4, 1, 0, 2, 0x0A, 0, 0, 0};
        at = put(out, at, iad, sizeof(iad));
        at = put(out, at, comm, sizeof(comm));
        at = put(out, at, header, sizeof(header));
        at = put(out, at, unio, sizeof(unio));
        at = endpoint(out, at, 0x82, 0x03, 64, 1);
        at = endpoint(out, at, 0x02, 0x03, 64, 1);
        at = put(out, at, data, sizeof(data));
        at = endpoint(out, at, 0x81, 0x02, bulk_packet, 0);
        at = endpoint(out, at, 0x01, 0x02, bulk_packet, 0);
    } else {
        uint8_t count = profile == PROFILE_SINGLE ? 2 : 4;
        const uint8_t itf[9] = {9, 4, 0, 0, count, 0xFF, 0xAB, 0, 4};
        at = put(out, at, itf, sizeof(itf));
        at = endpoint(out, at, 0x81, 0x02, bulk_packet, 0);
        at = endpoint(out, at, 0x01, 0x02, bulk_packet, 0);
        if (profile != PROFILE_SINGLE) {
            at = endpoint(out, at, 0x82, 0x03, 64, 1);
            at = endpoint(out, at, 0x02, 0x03, 64, 1);
        }
    }
    out[2] = (uint8_t)at;
    out[3] = (uint8_t)(at >> 8);
    return at;
}

static size_t string(uint8_t *out, const char *text)
{
    size_t n = strlen(text);
    out[0] = (uint8_t)(2u + 2u * n);
    out[1] = 3;
    for (size_t i = 0; i < n; i++) {
        out[2u + 2u * i] = (uint8_t)text[i];
        out[3u + 2u * i] = 0;
    }
    return 2u + 2u * n;
}

void test_blob(blob_writer_t *w, test_profile_t profile, bool high_speed)
{
    uint8_t d[512];
    blob_begin(w);
    const uint8_t device[18] = {18, 1, 0x10, 0x02, 0, 0, 0, 64, 0x09, 0x12, 0x01, 0x00, 0x00, 0x01, 1, 2, 0, 1};
    blob_add(w, 1, 0, 0, 0, device, sizeof(device));
    size_t n = test_configuration(d, 2, profile, 64);
    blob_add(w, 2, 0, 0, 1, d, n);
    if (high_speed) {
        n = test_configuration(d, 2, profile, 512);
        blob_add(w, 2, 0, 0, 2, d, n);
        const uint8_t qualifier[10] = {10, 6, 0x10, 0x02, 0, 0, 0, 64, 1, 0};
        blob_add(w, 6, 0, 0, 0, qualifier, sizeof(qualifier));
        n = test_configuration(d, 7, profile, 512); /* at full speed: how it would look at high speed */
        blob_add(w, 7, 0, 0, 1, d, n);
        n = test_configuration(d, 7, profile, 64);
        blob_add(w, 7, 0, 0, 2, d, n);
    }
    const uint8_t languages[4] = {4, 3, 0x09, 0x04};
    blob_add(w, 3, 0, 0, 0, languages, sizeof(languages));
    n = string(d, "HssDevice");
    blob_add(w, 3, 1, 0x0409, 0, d, n);
    n = string(d, "Test board");
    blob_add(w, 3, 2, 0x0409, 0, d, n);
    n = string(d, "Host Socket Sharing");
    blob_add(w, 3, 4, 0x0409, 0, d, n);
    const uint8_t bos[33] = {5,    0x0F, 33,   0,    1,    28,   0x10, 0x05, 0,    0xDF, 0x60,
                             0xDD, 0xD8, 0x89, 0x45, 0xC7, 0x4C, 0x9C, 0xD2, 0x65, 0x9D, 0x9E,
                             0x64, 0x8A, 0x9F, 0,    0,    3,    6,    TEST_MS_OS_SET_LENGTH, 0,    TEST_VENDOR_CODE, 0};
    blob_add(w, 15, 0, 0, 0, bos, sizeof(bos));
    const uint8_t set[TEST_MS_OS_SET_LENGTH] = {10, 0, 0, 0, 0, 0, 3, 6, TEST_MS_OS_SET_LENGTH, 0,
                                                20, 0, 3, 0, 'W', 'I', 'N', 'U', 'S', 'B', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    blob_add(w, 0xF0, TEST_VENDOR_CODE, 0, 0, set, sizeof(set));
    blob_finish(w);
}

size_t test_fixture(const char *name, uint8_t *out, size_t capacity)
{
    char path[1024];
    int written = snprintf(path, sizeof(path), "%s/%s", HSS_FIXTURES_DIR, name);
    if (written < 0 || (size_t)written >= sizeof(path)) {
        return 0;
    }
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return 0;
    }
    size_t n = fread(out, 1, capacity, f);
    int more = fgetc(f);
    fclose(f);
    return more == EOF ? n : 0; /* a fixture larger than the buffer is as good as missing */
}

static int compare_names(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

size_t test_fixture_names(char names[][128], size_t max)
{
    DIR *dir = opendir(HSS_FIXTURES_DIR);
    if (dir == NULL) {
        return 0;
    }
    size_t count = 0;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL && count < max) {
        size_t n = strlen(entry->d_name);
        if (n > 4u && n < 128u && strcmp(entry->d_name + n - 4u, ".bin") == 0) {
            memcpy(names[count], entry->d_name, n + 1u);
            count++;
        }
    }
    closedir(dir);
    qsort(names, count, sizeof(names[0]), compare_names);
    return count;
}
