// FFTW's planner (plan creation and destruction, wisdom import/export) is not thread safe; only
// fftw_execute* is. Every planner call anywhere in ictaltrack holds this lock.
#pragma once

#include <mutex>

namespace ictaltrack::detail {
std::mutex& fftw_planner_mutex();
}  // namespace ictaltrack::detail
