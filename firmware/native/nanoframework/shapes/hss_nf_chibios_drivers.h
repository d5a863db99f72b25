/* Shape for the compile check only: the USB driver objects ChibiOS's STM32 OTG driver defines (hal_usb_lld.h). */
#ifndef HSS_SHAPE_CHIBIOS_DRIVERS_H
#define HSS_SHAPE_CHIBIOS_DRIVERS_H

#include "hal.h"

extern USBDriver USBD1;
extern USBDriver USBD2;

#endif /* HSS_SHAPE_CHIBIOS_DRIVERS_H */
