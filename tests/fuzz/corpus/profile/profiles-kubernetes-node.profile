# kubernetes-node: what the kubelet sets (or, with protect-kernel-defaults, requires).
description = Kubernetes node: always overcommit, as the kubelet requires
reason = The kubelet sets vm.overcommit_memory = 1 at startup when it differs, and with
reason = --protect-kernel-defaults refuses to start instead ("invalid kernel flag:
reason = vm/overcommit_memory, expected value: 1"). Pods are bounded by cgroup memory limits
reason = and the OOM killer, not by commit accounting. Persisting it keeps the node from
reason = starting with a different value than the kubelet will force.
source = https://github.com/kubernetes/kubernetes/blob/master/pkg/kubelet/cm/container_manager_linux.go (setupKernelTunables)
source = ComplianceAsCode, applications/openshift/kubelet/kubelet_enable_protect_kernel_sysctl (CIS OpenShift 4.2.6)
mode = 1
