# sparse-arrays: mode 1, for huge sparse or memory-mapped arrays (NumPy, PyTorch, SciPy).
description = Always overcommit: huge sparse or memory-mapped NumPy/PyTorch arrays
reason = np.zeros and np.empty reserve the whole array at once, but a sparse array touches
reason = few of its pages, so it needs little real memory. In mode 0 the kernel refuses any
reason = single request larger than RAM + swap, which NumPy reports as "MemoryError: Unable
reason = to allocate ... for an array with shape ...". Mode 1 never refuses an allocation;
reason = the cost is that running out of memory is met by the OOM killer, not by an error.
reason = Transparent huge pages: NumPy madvises arrays of 4 MiB or more (MADV_HUGEPAGE), and
reason = with transparent_hugepage/enabled "madvise" or "always" the first write to each 2 MiB
reason = region may take the whole 2 MiB, 512 times the 4 KiB page written; khugepaged collapses
reason = regions with few touched pages too (max_ptes_none 511 by default). Written sparsely,
reason = an array can cost all of its size: "ovc check --shape ... --touched N" gives the worst
reason = case; NUMPY_MADVISE_HUGEPAGE=0 before Python starts keeps NumPy's arrays on 4 KiB pages.
source = Linux kernel, Documentation/admin-guide/mm/transhuge.rst and mm/huge_memory.c do_huge_pmd_anonymous_page; numpy/_core/src/multiarray/alloc.c indicate_hugepages
source = Linux kernel, Documentation/mm/overcommit-accounting.rst: mode 1 "Appropriate for some scientific applications. Classic example is code using sparse arrays and just relying on the virtual memory consisting almost entirely of zero pages."
source = https://www.kernel.org/doc/html/latest/mm/overcommit-accounting.html
source = https://github.com/numpy/numpy/issues/13225
mode = 1
