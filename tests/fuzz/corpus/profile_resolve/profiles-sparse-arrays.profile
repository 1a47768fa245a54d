# sparse-arrays: mode 1, for huge sparse or memory-mapped arrays (NumPy, PyTorch, SciPy).
description = Always overcommit: huge sparse or memory-mapped NumPy/PyTorch arrays
reason = np.zeros and np.empty reserve the whole array at once, but a sparse array touches
reason = few of its pages, so it needs little real memory. In mode 0 the kernel refuses any
reason = single request larger than RAM + swap, which NumPy reports as "MemoryError: Unable
reason = to allocate ... for an array with shape ...". Mode 1 never refuses an allocation;
reason = the cost is that running out of memory is met by the OOM killer, not by an error.
source = Linux kernel, Documentation/mm/overcommit-accounting.rst: mode 1 "Appropriate for some scientific applications. Classic example is code using sparse arrays and just relying on the virtual memory consisting almost entirely of zero pages."
source = https://www.kernel.org/doc/html/latest/mm/overcommit-accounting.html
source = https://github.com/numpy/numpy/issues/13225
mode = 1
