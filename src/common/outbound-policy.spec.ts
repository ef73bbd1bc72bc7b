import { checkAddress, checkHost, checkUrl, OutboundPolicy, parseAllowedNetworks } from './outbound-policy';

const none: OutboundPolicy = { requireHttps: true, allowed: [] };
const listed: OutboundPolicy = { requireHttps: true, allowed: parseAllowedNetworks('127.0.0.0/8,::1/128,10.20.0.0/16,fd12::/16,100.64.0.0/10') };

describe('outbound-policy', () => {
  it.each([
    ['127.0.0.1', /loopback/], ['127.1', /loopback/], ['0x7f.1', /loopback/], ['2130706433', /loopback/], ['017700000001', /loopback/],
    ['0177.0.0.1', /loopback/], ['::1', /loopback/], ['::ffff:127.0.0.1', /loopback/], ['::ffff:7f00:1', /loopback/],
    ['0.0.0.0', /unspecified/], ['0', /unspecified/], ['::', /unspecified/], ['::ffff:0.0.0.0', /unspecified/],
    ['169.254.1.1', /link-local/], ['fe80::1', /link-local/], ['::ffff:169.254.1.1', /link-local/],
    ['169.254.169.254', /metadata/], ['0xa9.0xfe.0xa9.0xfe', /metadata/], ['2852039166', /metadata/], ['::ffff:169.254.169.254', /metadata/],
    ['fd00:ec2::254', /metadata/], ['100.100.100.200', /metadata/],
    ['10.1.2.3', /private/], ['172.16.0.1', /private/], ['172.31.255.255', /private/], ['192.168.1.10', /private/], ['012.1.2.3', /private/],
    ['100.64.0.1', /carrier-grade/], ['fc00::1', /unique-local/], ['fd12:3456::1', /unique-local/], ['::ffff:10.0.0.1', /private/],
    ['224.0.0.1', /multicast/], ['255.255.255.255', /broadcast/],
  ])('refuses %s with no networks listed', (ip, reason) => {
    expect(checkAddress(ip, none)).toMatch(reason);
    expect(checkHost(ip, none)).toMatch(reason);
  });

  it.each(['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '172.32.0.1', '192.169.0.1', '100.128.0.1'])('allows the public address %s', (ip) => {
    expect(checkAddress(ip, none)).toBeNull();
  });

  it('allows listed private and loopback networks in every spelling, but never metadata, link-local or unspecified', () => {
    for (const ip of ['127.0.0.1', '127.1', '0x7f000001', '::1', '::ffff:127.0.0.1', '10.20.3.4', 'fd12::9', '100.64.1.1']) expect(checkAddress(ip, listed)).toBeNull();
    expect(checkAddress('10.21.0.1', listed)).toMatch(/private/);
    for (const ip of ['100.100.100.200', '169.254.169.254', '0.0.0.0', '::', 'fe80::1']) expect(checkAddress(ip, listed)).not.toBeNull();
    const everything = { requireHttps: true, allowed: parseAllowedNetworks('0.0.0.0/0,::/0') };
    for (const ip of ['169.254.169.254', 'fd00:ec2::254', '100.100.100.200', '169.254.10.10', '0.0.0.0']) expect(checkAddress(ip, everything)).not.toBeNull();
  });

  it.each(['metadata.google.internal', 'metadata.google.internal.', 'METADATA.GOOGLE.INTERNAL', 'metadata'])('refuses the metadata name %s', (host) => {
    expect(checkHost(host, listed)).toMatch(/metadata/);
    expect(checkUrl(`https://${host}/computeMetadata/v1/`, listed)).toMatch(/metadata/);
  });

  it('judges URLs: scheme, credentials, literal hosts in every spelling, https in production', () => {
    expect(checkUrl('https://api.opendental.com/api/v1', none)).toBeNull();
    expect(checkUrl('ftp://example.com/', none)).toMatch(/http or https/);
    expect(checkUrl('https://user:pw@example.com/', none)).toMatch(/credentials/);
    expect(checkUrl('http://example.com/', none)).toMatch(/https/);
    expect(checkUrl('http://example.com/', { requireHttps: false, allowed: [] })).toBeNull();
    expect(checkUrl('http://127.1:3000/x', none)).toMatch(/loopback/);
    expect(checkUrl('http://[::ffff:7f00:1]/', none)).toMatch(/loopback/);
    expect(checkUrl('http://0x7f.1/', listed)).toBeNull();
    expect(checkUrl('http://10.20.0.5:30222/api/v1', listed)).toBeNull();
    expect(checkUrl('http://[fd00:ec2::254]/latest/meta-data/', listed)).toMatch(/metadata/);
    expect(checkUrl('not a url', none)).toMatch(/valid URL/);
  });

  it('refuses a malformed ALLOWED_PRIVATE_NETWORKS entry by name', () => {
    expect(() => parseAllowedNetworks('10.0.0.0/8,banana')).toThrow(/banana/);
    expect(parseAllowedNetworks(' ')).toEqual([]);
  });
});
