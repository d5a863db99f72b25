# nanoFramework interop module of HssDevice.NativeUsb: adds the HSS native USB function (the portable core, the
# port of the firmware's USB stack) and its nanoCLR binding to a firmware image built with nanoFramework's own
# build (nf-interpreter). docs/firmware.md says how to use it. nanoFramework's build looks for this file as
# FindINTEROP-<assembly>.cmake in its CMake/Modules folder once NF_INTEROP_ASSEMBLIES names the assembly:
#
#   ln -s <HssDevice>/firmware/native/nanoframework/FindINTEROP-HssDevice.NativeUsb.cmake <nf-interpreter>/CMake/Modules/
#   cmake ... -DNF_INTEROP_ASSEMBLIES=HssDevice.NativeUsb -DHSS_NANOFRAMEWORK_PORT=tinyusb   (or chibios)
#
# Settings (CMake cache variables):
#   HSS_NANOFRAMEWORK_PORT          the USB stack port: tinyusb (ESP32-S3, esp_tinyusb) or chibios (STM32)
#   HSS_DEVICE_NATIVE_DIR           HssDevice's firmware/native; found through the link, set it when this file is a copy
#   HSS_NANOFRAMEWORK_MEMORY_BYTES  static memory of the one USB function instance (descriptors, queues, buffers)
#   HSS_NANOFRAMEWORK_CHIBIOS_DRIVER  chibios only: USBD2 (OTG_HS, the F769I-Discovery's ULPI port) or USBD1 (OTG_FS)
#
# Like every FindINTEROP module it sets <assembly>_INCLUDE_DIRS and <assembly>_SOURCES. It also adds the native
# event driver "HssDevice.NativeUsb.Events" to the interop assemblies table, the way nanoFramework's CMake adds its
# EventSink driver: this module runs inside FindNF_NativeAssemblies, whose lists it appends to.

set(HSS_NANOFRAMEWORK_PORT "" CACHE STRING "USB stack port of the HSS native USB function: tinyusb or chibios")
set(HSS_NANOFRAMEWORK_MEMORY_BYTES 24576 CACHE STRING "Static memory of the HSS native USB function, in bytes")
set(HSS_NANOFRAMEWORK_CHIBIOS_DRIVER USBD2 CACHE STRING "ChibiOS USB driver of the HSS native USB function: USBD2 (OTG_HS) or USBD1 (OTG_FS)")

# Where this file really is (through a symbolic link): its folder is firmware/native/nanoframework.
get_filename_component(_hss_module_file "${CMAKE_CURRENT_LIST_FILE}" REALPATH)
get_filename_component(_hss_module_dir "${_hss_module_file}" DIRECTORY)
get_filename_component(_hss_default_native_dir "${_hss_module_dir}/.." ABSOLUTE)
set(HSS_DEVICE_NATIVE_DIR "${_hss_default_native_dir}" CACHE PATH "HssDevice's firmware/native folder")

if(NOT EXISTS "${HSS_DEVICE_NATIVE_DIR}/include/hss_usb.h" OR NOT EXISTS "${HSS_DEVICE_NATIVE_DIR}/nanoframework/hss_nf_binding.c")
    message(FATAL_ERROR "HssDevice.NativeUsb: ${HSS_DEVICE_NATIVE_DIR} is not HssDevice's firmware/native folder. "
        "Link this module into CMake/Modules instead of copying it, or set -DHSS_DEVICE_NATIVE_DIR=<HssDevice>/firmware/native.")
endif()

if(NOT HSS_NANOFRAMEWORK_PORT MATCHES "^(tinyusb|chibios)$")
    message(FATAL_ERROR "HssDevice.NativeUsb: set -DHSS_NANOFRAMEWORK_PORT=tinyusb (ESP32-S3) or chibios (STM32), not '${HSS_NANOFRAMEWORK_PORT}'.")
endif()

if(NOT HSS_NANOFRAMEWORK_MEMORY_BYTES MATCHES "^[0-9]+$" OR HSS_NANOFRAMEWORK_MEMORY_BYTES LESS 4096)
    message(FATAL_ERROR "HssDevice.NativeUsb: HSS_NANOFRAMEWORK_MEMORY_BYTES must be a number of bytes, at least 4096.")
endif()

if(NOT HSS_NANOFRAMEWORK_CHIBIOS_DRIVER MATCHES "^USBD[12]$")
    message(FATAL_ERROR "HssDevice.NativeUsb: HSS_NANOFRAMEWORK_CHIBIOS_DRIVER must be USBD1 or USBD2.")
endif()

set(_hss_port_dir "${HSS_DEVICE_NATIVE_DIR}/ports/${HSS_NANOFRAMEWORK_PORT}")
if(NOT IS_DIRECTORY "${_hss_port_dir}")
    message(FATAL_ERROR "HssDevice.NativeUsb: no port folder ${_hss_port_dir}.")
endif()

# The binding's build settings, as a header (source properties would not reach nanoFramework's targets).
set(_hss_config_dir "${CMAKE_BINARY_DIR}/HssDevice.NativeUsb")
file(MAKE_DIRECTORY "${_hss_config_dir}")
file(WRITE "${_hss_config_dir}/hss_nf_config.h.new"
    "/* Written by FindINTEROP-HssDevice.NativeUsb.cmake: the HSS native USB function's firmware settings. */\n"
    "#define HSS_NF_MEMORY_BYTES ${HSS_NANOFRAMEWORK_MEMORY_BYTES}\n"
    "#define HSS_NF_CHIBIOS_DRIVER ${HSS_NANOFRAMEWORK_CHIBIOS_DRIVER}\n")
configure_file("${_hss_config_dir}/hss_nf_config.h.new" "${_hss_config_dir}/hss_nf_config.h" COPYONLY)

# nanoCLR headers (as the MetadataProcessor's generated modules list them), then the function's own.
list(APPEND HssDevice.NativeUsb_INCLUDE_DIRS ${PROJECT_SOURCE_DIR}/src/CLR/Core)
list(APPEND HssDevice.NativeUsb_INCLUDE_DIRS ${PROJECT_SOURCE_DIR}/src/CLR/Include)
list(APPEND HssDevice.NativeUsb_INCLUDE_DIRS ${PROJECT_SOURCE_DIR}/src/HAL/Include)
list(APPEND HssDevice.NativeUsb_INCLUDE_DIRS ${PROJECT_SOURCE_DIR}/src/PAL/Include)
list(APPEND HssDevice.NativeUsb_INCLUDE_DIRS "${HSS_DEVICE_NATIVE_DIR}/include")
list(APPEND HssDevice.NativeUsb_INCLUDE_DIRS "${_hss_port_dir}")
list(APPEND HssDevice.NativeUsb_INCLUDE_DIRS "${HSS_DEVICE_NATIVE_DIR}/nanoframework")
list(APPEND HssDevice.NativeUsb_INCLUDE_DIRS "${_hss_config_dir}")

file(GLOB _hss_core_sources "${HSS_DEVICE_NATIVE_DIR}/core/*.c")
file(GLOB _hss_port_sources "${_hss_port_dir}/*.c")
list(APPEND HssDevice.NativeUsb_SOURCES ${_hss_core_sources} ${_hss_port_sources})
foreach(_hss_source
        hss_nf_interop_table.cpp
        hss_nf_native_usb_function.cpp
        hss_nf_events.cpp
        hss_nf_binding.c
        hss_nf_board_${HSS_NANOFRAMEWORK_PORT}.c)
    list(APPEND HssDevice.NativeUsb_SOURCES "${HSS_DEVICE_NATIVE_DIR}/nanoframework/${_hss_source}")
endforeach()

# The native event driver NativeUsbFunction's NativeEventDispatcher looks up by name (hss_nf_events.cpp).
list(APPEND CLR_RT_NativeAssemblyDataList "extern const CLR_RT_NativeAssemblyData g_CLR_AssemblyNative_HssDevice_NativeUsb_Events;")
list(APPEND CLR_RT_NativeAssemblyDataTableEntriesList "&g_CLR_AssemblyNative_HssDevice_NativeUsb_Events,")

include(FindPackageHandleStandardArgs)
FIND_PACKAGE_HANDLE_STANDARD_ARGS(INTEROP-HssDevice.NativeUsb DEFAULT_MSG HssDevice.NativeUsb_INCLUDE_DIRS HssDevice.NativeUsb_SOURCES)
