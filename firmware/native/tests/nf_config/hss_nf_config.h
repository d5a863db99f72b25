/* The nanoCLR binding's settings for its unit test (on a firmware build FindINTEROP-HssDevice.NativeUsb.cmake writes
 * this header). */
#define HSS_NF_MEMORY_BYTES 24576
