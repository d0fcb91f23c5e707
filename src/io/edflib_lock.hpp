// EDFlib keeps a global table of open files and is not safe to open or close from several threads.
// Every call into EDFlib anywhere in ictaltrack (reader oracle checks, EdfWriter) holds this lock.
#pragma once

#include <mutex>

namespace ictaltrack::detail {
std::mutex& edflib_mutex();
}  // namespace ictaltrack::detail
