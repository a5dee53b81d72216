// Table tests modelled on k8s.io/apiserver/pkg/endpoints/request/requestinfo_test.go.
import { describe, expect, it } from 'vitest';
import { parseRequestInfo, RequestPathError } from './request-info.js';

type Expected = {
  verb: string;
  apiGroup?: string;
  apiVersion?: string;
  resource?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
};

const resourceCases: [string, string, Expected][] = [
  // core group, namespaced
  ['GET', '/api/v1/namespaces/other/pods/foo', { verb: 'get', apiVersion: 'v1', namespace: 'other', resource: 'pods', name: 'foo' }],
  ['GET', '/api/v1/namespaces/other/pods', { verb: 'list', apiVersion: 'v1', namespace: 'other', resource: 'pods' }],
  ['GET', '/api/v1/namespaces/other/pods?watch=true', { verb: 'watch', namespace: 'other', resource: 'pods' }],
  ['GET', '/api/v1/namespaces/other/pods?watch=1', { verb: 'watch', namespace: 'other', resource: 'pods' }],
  ['GET', '/api/v1/namespaces/other/pods?watch=false', { verb: 'list', namespace: 'other', resource: 'pods' }],
  ['HEAD', '/api/v1/namespaces/other/pods/foo', { verb: 'get', namespace: 'other', resource: 'pods', name: 'foo' }],
  ['POST', '/api/v1/namespaces/other/pods', { verb: 'create', namespace: 'other', resource: 'pods' }],
  ['PUT', '/api/v1/namespaces/other/pods/foo', { verb: 'update', namespace: 'other', resource: 'pods', name: 'foo' }],
  ['PATCH', '/api/v1/namespaces/other/pods/foo', { verb: 'patch', namespace: 'other', resource: 'pods', name: 'foo' }],
  ['DELETE', '/api/v1/namespaces/other/pods/foo', { verb: 'delete', namespace: 'other', resource: 'pods', name: 'foo' }],
  ['DELETE', '/api/v1/namespaces/other/pods', { verb: 'deletecollection', namespace: 'other', resource: 'pods' }],
  // subresources
  ['GET', '/api/v1/namespaces/other/pods/foo/log', { verb: 'get', namespace: 'other', resource: 'pods', name: 'foo', subresource: 'log' }],
  ['POST', '/api/v1/namespaces/other/pods/foo/exec', { verb: 'create', namespace: 'other', resource: 'pods', name: 'foo', subresource: 'exec' }],
  ['POST', '/api/v1/namespaces/other/pods/foo/eviction', { verb: 'create', namespace: 'other', resource: 'pods', name: 'foo', subresource: 'eviction' }],
  ['PUT', '/api/v1/namespaces/other/pods/foo/status', { verb: 'update', namespace: 'other', resource: 'pods', name: 'foo', subresource: 'status' }],
  ['GET', '/api/v1/namespaces/other/pods/foo/subpath/not/interpreted', { verb: 'get', namespace: 'other', resource: 'pods', name: 'foo', subresource: 'subpath' }],
  // cluster-scoped
  ['GET', '/api/v1/nodes', { verb: 'list', apiVersion: 'v1', resource: 'nodes' }],
  ['GET', '/api/v1/nodes/n1', { verb: 'get', resource: 'nodes', name: 'n1' }],
  ['PATCH', '/api/v1/nodes/n1', { verb: 'patch', resource: 'nodes', name: 'n1' }],
  ['GET', '/api/v1/pods', { verb: 'list', resource: 'pods' }],
  ['GET', '/api/v1/pods?watch=true&resourceVersion=5', { verb: 'watch', resource: 'pods' }],
  // namespaces themselves
  ['GET', '/api/v1/namespaces', { verb: 'list', resource: 'namespaces' }],
  ['GET', '/api/v1/namespaces/other', { verb: 'get', resource: 'namespaces', namespace: 'other', name: 'other' }],
  ['DELETE', '/api/v1/namespaces/other', { verb: 'delete', resource: 'namespaces', namespace: 'other', name: 'other' }],
  ['PUT', '/api/v1/namespaces/other/status', { verb: 'update', resource: 'namespaces', namespace: 'other', name: 'other', subresource: 'status' }],
  ['PUT', '/api/v1/namespaces/other/finalize', { verb: 'update', resource: 'namespaces', namespace: 'other', name: 'other', subresource: 'finalize' }],
  // named groups
  ['GET', '/apis/apps/v1/namespaces/other/deployments', { verb: 'list', apiGroup: 'apps', apiVersion: 'v1', namespace: 'other', resource: 'deployments' }],
  ['GET', '/apis/apps/v1/namespaces/other/deployments/web', { verb: 'get', apiGroup: 'apps', namespace: 'other', resource: 'deployments', name: 'web' }],
  ['PUT', '/apis/apps/v1/namespaces/other/deployments/web/scale', { verb: 'update', apiGroup: 'apps', namespace: 'other', resource: 'deployments', name: 'web', subresource: 'scale' }],
  ['GET', '/apis/apps/v1/deployments', { verb: 'list', apiGroup: 'apps', resource: 'deployments' }],
  ['GET', '/apis/rbac.authorization.k8s.io/v1/clusterroles/admin', { verb: 'get', apiGroup: 'rbac.authorization.k8s.io', resource: 'clusterroles', name: 'admin' }],
  ['GET', '/apis/example.com/v1alpha1/namespaces/x/widgets', { verb: 'list', apiGroup: 'example.com', apiVersion: 'v1alpha1', namespace: 'x', resource: 'widgets' }],
  ['POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', { verb: 'create', apiGroup: 'apiextensions.k8s.io', resource: 'customresourcedefinitions' }],
  ['DELETE', '/apis/batch/v1/namespaces/ns/jobs', { verb: 'deletecollection', apiGroup: 'batch', namespace: 'ns', resource: 'jobs' }],
  // legacy /watch/ prefix
  ['GET', '/api/v1/watch/pods', { verb: 'watch', resource: 'pods' }],
  ['GET', '/api/v1/watch/namespaces/other/pods', { verb: 'watch', namespace: 'other', resource: 'pods' }],
  ['GET', '/api/v1/watch/namespaces/other/pods/foo', { verb: 'watch', namespace: 'other', resource: 'pods', name: 'foo' }],
  ['GET', '/apis/apps/v1/watch/namespaces/other/deployments', { verb: 'watch', apiGroup: 'apps', namespace: 'other', resource: 'deployments' }],
  ['GET', '/api/v1/watch/namespaces', { verb: 'watch', resource: 'namespaces' }],
  ['GET', '/api/v1/watch/namespaces/other', { verb: 'watch', resource: 'namespaces', namespace: 'other', name: 'other' }],
  // proxy verb: no subresource, the rest is the proxied path
  ['GET', '/api/v1/proxy/namespaces/other/pods/foo/some/path', { verb: 'proxy', namespace: 'other', resource: 'pods', name: 'foo' }],
  ['GET', '/api/v1/namespaces/other/services/svc:80/proxy/metrics', { verb: 'get', namespace: 'other', resource: 'services', name: 'svc:80', subresource: 'proxy' }],
  // a field selector on metadata.name narrows a list/watch to one name (kubectl get pod x -w)
  ['GET', '/api/v1/namespaces/other/pods?fieldSelector=metadata.name%3Dfoo&watch=1', { verb: 'watch', namespace: 'other', resource: 'pods', name: 'foo' }],
  ['GET', '/api/v1/namespaces/other/pods?fieldSelector=metadata.name%3D%3Dfoo', { verb: 'list', namespace: 'other', resource: 'pods', name: 'foo' }],
  ['GET', '/api/v1/namespaces/other/pods?fieldSelector=metadata.name!%3Dfoo', { verb: 'list', namespace: 'other', resource: 'pods' }],
  ['GET', '/api/v1/namespaces/other/pods?fieldSelector=status.phase%3DRunning', { verb: 'list', namespace: 'other', resource: 'pods' }],
  // trailing slash is trimmed as the apiserver does
  ['GET', '/api/v1/namespaces/other/pods/', { verb: 'list', namespace: 'other', resource: 'pods' }],
  // percent-encoded ordinary characters decode
  ['GET', '/api/v1/namespaces/other/pods/f%6Fo', { verb: 'get', namespace: 'other', resource: 'pods', name: 'foo' }],
  // lower-case method names work
  ['get', '/api/v1/nodes/n1', { verb: 'get', resource: 'nodes', name: 'n1' }],
];

const nonResourceCases: [string, string, string, string][] = [
  ['GET', '/', 'get', '/'],
  ['GET', '/version', 'get', '/version'],
  ['GET', '/healthz', 'get', '/healthz'],
  ['GET', '/readyz/etcd', 'get', '/readyz/etcd'],
  ['GET', '/api', 'get', '/api'],
  ['GET', '/api/v1', 'get', '/api/v1'],
  ['GET', '/apis', 'get', '/apis'],
  ['GET', '/apis/apps', 'get', '/apis/apps'],
  ['GET', '/apis/apps/v1', 'get', '/apis/apps/v1'],
  ['GET', '/openapi/v2', 'get', '/openapi/v2'],
  ['GET', '/openapi/v3/apis/apps/v1', 'get', '/openapi/v3/apis/apps/v1'],
  ['POST', '/logs/x/y/z', 'post', '/logs/x/y/z'],
  ['GET', '/metrics', 'get', '/metrics'],
];

const rejected: [string, string][] = [
  ['GET', '/api/v1/namespaces/other/pods/../secrets'],
  ['GET', '/api/v1/namespaces/other/./pods'],
  ['GET', '/api/v1/namespaces/other/pods/..'],
  ['GET', '/api/v1/namespaces/other/pods/%2E%2E/secrets'],
  ['GET', '/api/v1/namespaces/other/pods/%2e'],
  ['GET', '/api/v1/namespaces/other%2Fpods'],
  ['GET', '/api/v1/namespaces/other%2fpods'],
  ['GET', '/api/v1//namespaces/other/pods'],
  ['GET', '//api/v1/pods'],
  ['GET', '/api/v1/namespaces/other\\pods'],
  ['GET', '/api/v1/namespaces/other%5Cpods'],
  ['GET', '/api/v1/namespaces/other/pods/foo%00'],
  ['GET', '/api/v1/namespaces/other/pods/foo%25bar'],
  ['GET', '/api/v1/namespaces/other/pods/%E0%A4%A'],
  ['GET', 'api/v1/pods'],
  ['GET', '/api/v1/watch'],
  ['OPTIONS', '/api/v1/pods'],
];

describe('parseRequestInfo: resource requests', () => {
  it.each(resourceCases)('%s %s', (method, fullPath, expected) => {
    const [path, query = ''] = fullPath.split('?');
    const info = parseRequestInfo(method, path!, new URLSearchParams(query));
    // the raw query string (how the proxy passes it) parses the same
    expect(parseRequestInfo(method, path!, query)).toEqual(info);
    expect(info.isResourceRequest).toBe(true);
    if (!info.isResourceRequest) return;
    expect(info.verb).toBe(expected.verb);
    expect(info.apiGroup).toBe(expected.apiGroup ?? '');
    if (expected.apiVersion) expect(info.apiVersion).toBe(expected.apiVersion);
    expect(info.resource).toBe(expected.resource);
    expect(info.subresource).toBe(expected.subresource);
    expect(info.namespace).toBe(expected.namespace);
    expect(info.name).toBe(expected.name);
  });
});

describe('parseRequestInfo: non-resource requests', () => {
  it.each(nonResourceCases)('%s %s', (method, path, verb, expectedPath) => {
    const info = parseRequestInfo(method, path, new URLSearchParams());
    expect(info).toEqual({ isResourceRequest: false, verb, path: expectedPath });
  });
});

describe('parseRequestInfo: queries the apiserver would read differently are refused', () => {
  // Go's url.ParseQuery drops a pair with ";" or a bad %-escape: these would widen what was authorized
  it.each([
    ['/api/v1/namespaces/ns/secrets', 'fieldSelector=metadata.name%3Dallowed,x;'],
    ['/api/v1/namespaces/ns/pods', 'watch=0;&watch=1'],
    ['/api/v1/namespaces/ns/pods', 'watch=%zz&watch=1'],
    ['/api/v1/namespaces/ns/pods', 'watch=1&x=%4'],
    ['/api/v1/namespaces/ns/pods/web', 'pretty=1;'],
  ])('GET %s?%s', (path, query) => {
    expect(() => parseRequestInfo('GET', path, query)).toThrow(RequestPathError);
  });

  it('takes an encoded ";" and well-formed escapes', () => {
    const info = parseRequestInfo('GET', '/api/v1/namespaces/ns/pods', 'labelSelector=a%3Bb%3D1&watch=true');
    expect(info).toMatchObject({ verb: 'watch', resource: 'pods' });
  });
});

describe('parseRequestInfo: paths that could normalise differently are refused', () => {
  it.each(rejected)('%s %s', (method, path) => {
    expect(() => parseRequestInfo(method, path, new URLSearchParams())).toThrow(RequestPathError);
  });
});
