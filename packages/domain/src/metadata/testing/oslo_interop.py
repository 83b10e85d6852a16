"""The Python side of the LibvirtDiskMetadata wire interop test.

Defines the object the way a nova-style service would, with
oslo.versionedobjects, and speaks JSON on stdin/stdout:

  oslo_interop.py schema  -> {version: {field: {type, nullable, values?}}}
  oslo_interop.py decode  <- [primitive, ...]
                          -> [{"version": str, "fields": {set field: value}}
                              | {"error": str}, ...]
  oslo_interop.py encode  <- [{"version": str, "fields": {field: value}}, ...]
                          -> [primitive, ...]

Run it with /usr/bin/python3: Debian's python3-oslo.versionedobjects is not
visible to other interpreters.
"""

import json
import sys

from oslo_utils import versionutils
from oslo_versionedobjects import base, fields

BACKENDS = ('flat', 'qcow2', 'lvm', 'rbd', 'ploop')
DISK_FORMATS = ('raw', 'qcow2', 'ploop')
IMAGE_FORMATS = ('raw', 'qcow2', 'vmdk', 'vhd', 'vhdx', 'vdi', 'iso',
                 'ploop', 'ami', 'ari', 'aki')
PROVENANCES = ('created', 'derived', 'operator')
RECORD_STATES = ('creating', 'ready')
V1_1_FIELDS = ('location', 'image_id', 'image_format', 'provenance', 'state')


@base.VersionedObjectRegistry.register
class LibvirtDiskMetadata(base.VersionedObject):
    # Version 1.0: backend, format, size
    # Version 1.1: location, image_id, image_format, provenance, state
    VERSION = '1.1'
    OBJ_PROJECT_NAMESPACE = 'nova'
    OBJ_SERIAL_NAMESPACE = 'nova_object'

    fields = {
        'backend': fields.EnumField(BACKENDS),
        'format': fields.EnumField(DISK_FORMATS),
        'size': fields.IntegerField(),
        'location': fields.StringField(nullable=True),
        'image_id': fields.StringField(nullable=True),
        'image_format': fields.EnumField(IMAGE_FORMATS, nullable=True),
        'provenance': fields.EnumField(PROVENANCES, nullable=True),
        'state': fields.EnumField(RECORD_STATES, nullable=True),
    }

    def obj_make_compatible(self, primitive, target_version):
        super().obj_make_compatible(primitive, target_version)
        target = versionutils.convert_version_to_tuple(target_version)
        if target < (1, 1):
            for name in V1_1_FIELDS:
                primitive.pop(name, None)


def schema():
    out = {}
    for version in ('1.0', '1.1'):
        names = [n for n in LibvirtDiskMetadata.fields
                 if version == '1.1' or n not in V1_1_FIELDS]
        out[version] = {}
        for name in names:
            field = LibvirtDiskMetadata.fields[name]
            entry = {'type': type(field).__name__.replace('Field', ''),
                     'nullable': field.nullable}
            if isinstance(field, fields.EnumField):
                entry['values'] = list(field._type.valid_values)
            out[version][name] = entry
    return out


def decode(primitives):
    out = []
    for primitive in primitives:
        try:
            obj = LibvirtDiskMetadata.obj_from_primitive(primitive)
            values = {name: getattr(obj, name)
                      for name in obj.fields if obj.obj_attr_is_set(name)}
            out.append({'version': obj.VERSION, 'fields': values})
        except Exception as exc:  # reported to the test, which fails on it
            out.append({'error': '%s: %s' % (type(exc).__name__, exc)})
    return out


def encode(requests):
    out = []
    for request in requests:
        obj = LibvirtDiskMetadata()
        for name, value in request['fields'].items():
            setattr(obj, name, value)
        out.append(obj.obj_to_primitive(target_version=request['version']))
    return out


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else ''
    if mode == 'schema':
        result = schema()
    elif mode == 'decode':
        result = decode(json.load(sys.stdin))
    elif mode == 'encode':
        result = encode(json.load(sys.stdin))
    else:
        sys.exit('usage: oslo_interop.py schema|decode|encode')
    json.dump(result, sys.stdout)


if __name__ == '__main__':
    main()
