/** Deterministic child names of a ModelDeployment (DESIGN "Lifecycle"). */
export type Variant = 'master' | 'candidate';

/** Names of every object the operator creates for the ModelDeployment `name`. */
export function childNames(name: string) {
  return {
    master: `${name}-master`,
    candidate: `${name}-candidate`,
    /** Router Deployment and Service: the stable address clients call. */
    router: name,
    routerServiceAccount: `${name}-router`,
    routesConfigMap: `${name}-routes`,
    variant: (variant: Variant) => `${name}-${variant}`,
  };
}
