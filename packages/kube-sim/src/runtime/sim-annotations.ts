// Annotations that tell the simulated kubelet how a container behaves, since there is no real
// process to observe. Seeds and tests set them on pods or pod templates.

/** `crash-loop` (exits with an error after a while, restarts with back-off), `fail` (exits 1 once) */
export const BEHAVIOR = 'kube-sim.k8s-console.io/behavior';
/** seconds a run-to-completion container (restartPolicy Never/OnFailure) runs before it exits */
export const RUN_SECONDS = 'kube-sim.k8s-console.io/run-seconds';
/** log lines per second each container of the pod writes */
export const LOG_RATE = 'kube-sim.k8s-console.io/log-lines-per-second';
