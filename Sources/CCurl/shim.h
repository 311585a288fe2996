// Wrappers for libcurl's variadic calls, which Swift cannot import. Each is a single call, nothing more.
#pragma once
#include <curl/curl.h>

/// curl_easy_setopt with a long value.
static inline CURLcode vigil_curl_setopt_long(CURL *curl, CURLoption option, long value) { return curl_easy_setopt(curl, option, value); }
/// curl_easy_setopt with a string or pointer value.
static inline CURLcode vigil_curl_setopt_pointer(CURL *curl, CURLoption option, const void *value) { return curl_easy_setopt(curl, option, value); }
/// curl_easy_getinfo for a long result.
static inline CURLcode vigil_curl_getinfo_long(CURL *curl, CURLINFO info, long *value) { return curl_easy_getinfo(curl, info, value); }
