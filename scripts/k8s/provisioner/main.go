// obs-local-provisioner: the local cluster's dynamic provisioner (test infrastructure,
// scripts/k8s; never part of the stack). For each claim of its StorageClass it creates a
// directory on the node and a `local` PersistentVolume pinned to that node, so claims are
// bound by the cluster's own controllers, as a cloud disk would be, and not by a test.
// A `local` volume, unlike a hostPath one, gets the pod's fsGroup applied by the kubelet,
// as a freshly formatted disk does; its size is recorded, not enforced.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/klog/v2"
	"sigs.k8s.io/sig-storage-lib-external-provisioner/v11/controller"
)

type hostDirectories struct {
	root string
	node string
}

func (h *hostDirectories) Provision(_ context.Context, options controller.ProvisionOptions) (*v1.PersistentVolume, controller.ProvisioningState, error) {
	if options.SelectedNode != nil && options.SelectedNode.Name != h.node {
		return nil, controller.ProvisioningFinished, fmt.Errorf("claim %s/%s was scheduled to node %q; this provisioner serves node %q",
			options.PVC.Namespace, options.PVC.Name, options.SelectedNode.Name, h.node)
	}
	dir := filepath.Join(h.root, options.PVName)
	// 0755 root:root, as a new filesystem's root: a non-root pod writes only through fsGroup.
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, controller.ProvisioningInBackground, err
	}
	reclaim := v1.PersistentVolumeReclaimDelete
	if options.StorageClass.ReclaimPolicy != nil {
		reclaim = *options.StorageClass.ReclaimPolicy
	}
	return &v1.PersistentVolume{
		ObjectMeta: metav1.ObjectMeta{Name: options.PVName},
		Spec: v1.PersistentVolumeSpec{
			PersistentVolumeReclaimPolicy: reclaim,
			AccessModes:                   options.PVC.Spec.AccessModes,
			Capacity:                      v1.ResourceList{v1.ResourceStorage: options.PVC.Spec.Resources.Requests[v1.ResourceStorage]},
			StorageClassName:              options.StorageClass.Name,
			VolumeMode:                    options.PVC.Spec.VolumeMode,
			PersistentVolumeSource: v1.PersistentVolumeSource{
				Local: &v1.LocalVolumeSource{Path: dir},
			},
			NodeAffinity: &v1.VolumeNodeAffinity{Required: &v1.NodeSelector{
				NodeSelectorTerms: []v1.NodeSelectorTerm{{MatchExpressions: []v1.NodeSelectorRequirement{{
					Key: "kubernetes.io/hostname", Operator: v1.NodeSelectorOpIn, Values: []string{h.node},
				}}}},
			}},
		},
	}, controller.ProvisioningFinished, nil
}

func (h *hostDirectories) Delete(_ context.Context, pv *v1.PersistentVolume) error {
	if pv.Spec.Local == nil {
		return errors.New("not a local volume")
	}
	dir := filepath.Clean(pv.Spec.Local.Path)
	// Only what this provisioner created: a direct child of its root.
	if filepath.Dir(dir) != filepath.Clean(h.root) || !strings.HasPrefix(filepath.Base(dir), "pvc-") {
		return fmt.Errorf("refusing to delete %s: not a volume under %s", dir, h.root)
	}
	return os.RemoveAll(dir)
}

func main() {
	kubeconfig := flag.String("kubeconfig", "", "kubeconfig of the provisioner's identity")
	name := flag.String("name", "observability-stack.test/local", "provisioner name of the StorageClass it serves")
	root := flag.String("root", "", "directory on the node that holds one directory per volume")
	node := flag.String("node", "", "name of the Node the volumes are on")
	klog.InitFlags(nil)
	flag.Parse()
	if *kubeconfig == "" || *root == "" || *node == "" {
		klog.Exit("--kubeconfig, --root and --node are required")
	}
	if err := os.MkdirAll(*root, 0o755); err != nil {
		klog.Exit(err)
	}
	config, err := clientcmd.BuildConfigFromFlags("", *kubeconfig)
	if err != nil {
		klog.Exit(err)
	}
	client, err := kubernetes.NewForConfig(config)
	if err != nil {
		klog.Exit(err)
	}
	ctx := context.Background()
	controller.NewProvisionController(ctx, client, *name, &hostDirectories{root: *root, node: *node},
		controller.LeaderElection(false),
	).Run(ctx)
}
