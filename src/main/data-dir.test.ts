import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { dataFlag, osDataDir, resolveDataDir } from './data-dir'

describe('resolveDataDir', () => {
  const env = { CNN_STUDIO_DATA: '/srv/cnn', XDG_CONFIG_HOME: '/xdg' }

  it('takes --data first, then CNN_STUDIO_DATA, then the OS folder', () => {
    expect(resolveDataDir({ flag: '/a/b', env, osDefault: '/os' })).toBe('/a/b')
    expect(resolveDataDir({ env, osDefault: '/os' })).toBe('/srv/cnn')
    expect(resolveDataDir({ env: {}, osDefault: '/os' })).toBe('/os')
    expect(resolveDataDir({ env: {}, platform: 'linux', home: '/home/u' })).toBe('/home/u/.config/cnn-studio')
  })

  it('makes relative folders absolute', () => {
    expect(resolveDataDir({ flag: 'data', env })).toBe(path.resolve('data'))
    expect(resolveDataDir({ env: { CNN_STUDIO_DATA: 'rel' } })).toBe(path.resolve('rel'))
  })

  it('ignores an empty flag or variable', () => {
    expect(resolveDataDir({ flag: '', env: { CNN_STUDIO_DATA: '' }, osDefault: '/os' })).toBe('/os')
  })
})

describe('osDataDir', () => {
  it('follows each OS convention', () => {
    expect(osDataDir('linux', {}, '/home/u')).toBe('/home/u/.config/cnn-studio')
    expect(osDataDir('linux', { XDG_CONFIG_HOME: '/cfg' }, '/home/u')).toBe('/cfg/cnn-studio')
    expect(osDataDir('linux', { XDG_CONFIG_HOME: 'relative' }, '/home/u')).toBe('/home/u/.config/cnn-studio')
    expect(osDataDir('freebsd', {}, '/home/u')).toBe('/home/u/.config/cnn-studio')
    expect(osDataDir('darwin', {}, '/Users/u')).toBe('/Users/u/Library/Application Support/CNN Studio')
    expect(osDataDir('win32', { APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'C:\\Users\\u')).toBe(
      'C:\\Users\\u\\AppData\\Roaming\\CNN Studio',
    )
    expect(osDataDir('win32', {}, 'C:\\Users\\u')).toBe('C:\\Users\\u\\AppData\\Roaming\\CNN Studio')
  })
})

describe('dataFlag', () => {
  it('finds --data DIR and --data=DIR', () => {
    expect(dataFlag(['electron', '.', '--data', '/d'])).toBe('/d')
    expect(dataFlag(['electron', '--data=/e'])).toBe('/e')
    expect(dataFlag(['electron', '.'])).toBeUndefined()
    expect(dataFlag(['--data'])).toBeUndefined()
  })
})
