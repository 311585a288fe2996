// The NATS C client (libnats-dev 3.4.1): connections, JetStream, key-value buckets. Only Cluster imports it.
#pragma once
#include <nats/nats.h>
