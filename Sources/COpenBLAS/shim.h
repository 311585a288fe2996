// OpenBLAS's CBLAS interface plus its thread and kernel queries (openblas_set_num_threads, openblas_get_corename).
#pragma once
#include <cblas.h>
