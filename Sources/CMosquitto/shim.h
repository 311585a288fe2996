// libmosquitto's C client (Debian's libmosquitto-dev); Swift imports it whole, nothing needs wrapping.
#pragma once
#include <mosquitto.h>
