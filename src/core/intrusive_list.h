#pragma once
// A doubly-linked list threaded through its elements, so that adding and removing a buffer
// costs no allocation. Not synchronised: every list here is guarded by its owner's mutex.

#include <cstddef>

namespace tessera::detail {

template <typename T>
struct ListLinks {
  T* previous = nullptr;
  T* next = nullptr;
};

template <typename T, ListLinks<T> T::*Links>
class IntrusiveList {
 public:
  void push_back(T& item) {
    (item.*Links).previous = tail_;
    (item.*Links).next = nullptr;
    (tail_ ? (tail_->*Links).next : head_) = &item;
    tail_ = &item;
    ++size_;
  }

  void erase(T& item) {
    ListLinks<T>& links = item.*Links;
    (links.previous ? (links.previous->*Links).next : head_) = links.next;
    (links.next ? (links.next->*Links).previous : tail_) = links.previous;
    links = {};
    --size_;
  }

  // Calls visit(T&) for each element, oldest first. `visit` must not erase.
  template <typename Visit>
  void for_each(Visit&& visit) const {
    for (T* item = head_; item != nullptr; item = (item->*Links).next) visit(*item);
  }

  // Removes every element, calling visit(T&) on each after unlinking it.
  template <typename Visit>
  void clear(Visit&& visit) {
    while (head_ != nullptr) {
      T& item = *head_;
      erase(item);
      visit(item);
    }
  }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

 private:
  T* head_ = nullptr;
  T* tail_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace tessera::detail
