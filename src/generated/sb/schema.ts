// Generated from schemas/ovn-sb.ovsschema (OVN_Southbound 20.27.0) by `npm run gen`.
// Do not edit by hand: change the schema or the generator and run it again.

/** The OVN_Southbound schema, as read from schemas/ovn-sb.ovsschema. */
export const schemaJson: unknown = {
  name: 'OVN_Southbound',
  version: '20.27.0',
  cksum: '4078371916 30328',
  tables: {
    SB_Global: {
      columns: {
        nb_cfg: { type: { key: 'integer' } },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        connections: { type: { key: { type: 'uuid', refTable: 'Connection' }, min: 0, max: 'unlimited' } },
        ssl: { type: { key: { type: 'uuid', refTable: 'SSL' }, min: 0, max: 1 } },
        options: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        ipsec: { type: 'boolean' },
      },
      maxRows: 1,
      isRoot: true,
    },
    Chassis: {
      columns: {
        name: { type: 'string' },
        hostname: { type: 'string' },
        encaps: { type: { key: { type: 'uuid', refTable: 'Encap' }, min: 1, max: 'unlimited' } },
        vtep_logical_switches: { type: { key: 'string', min: 0, max: 'unlimited' } },
        nb_cfg: { type: { key: 'integer' } },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        other_config: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        transport_zones: { type: { key: 'string', min: 0, max: 'unlimited' } },
      },
      isRoot: true,
      indexes: [['name']],
    },
    Chassis_Private: {
      columns: {
        name: { type: 'string' },
        chassis: { type: { key: { type: 'uuid', refTable: 'Chassis', refType: 'weak' }, min: 0, max: 1 } },
        nb_cfg: { type: { key: 'integer' } },
        nb_cfg_timestamp: { type: { key: 'integer' } },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
      isRoot: true,
      indexes: [['name']],
    },
    Encap: {
      columns: {
        type: { type: { key: { type: 'string', enum: ['set', ['geneve', 'stt', 'vxlan']] } } },
        options: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        ip: { type: 'string' },
        chassis_name: { type: 'string' },
      },
      indexes: [['type', 'ip']],
    },
    Address_Set: {
      columns: { name: { type: 'string' }, addresses: { type: { key: 'string', min: 0, max: 'unlimited' } } },
      indexes: [['name']],
      isRoot: true,
    },
    Port_Group: {
      columns: { name: { type: 'string' }, ports: { type: { key: 'string', min: 0, max: 'unlimited' } } },
      indexes: [['name']],
      isRoot: true,
    },
    Logical_Flow: {
      columns: {
        logical_datapath: { type: { key: { type: 'uuid', refTable: 'Datapath_Binding' }, min: 0, max: 1 } },
        logical_dp_group: { type: { key: { type: 'uuid', refTable: 'Logical_DP_Group' }, min: 0, max: 1 } },
        pipeline: { type: { key: { type: 'string', enum: ['set', ['ingress', 'egress']] } } },
        table_id: { type: { key: { type: 'integer', minInteger: 0, maxInteger: 32 } } },
        priority: { type: { key: { type: 'integer', minInteger: 0, maxInteger: 65535 } } },
        match: { type: 'string' },
        actions: { type: 'string' },
        tags: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        controller_meter: { type: { key: { type: 'string' }, min: 0, max: 1 } },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
      isRoot: true,
    },
    Logical_DP_Group: {
      columns: {
        datapaths: {
          type: {
            key: { type: 'uuid', refTable: 'Datapath_Binding', refType: 'weak' },
            min: 0,
            max: 'unlimited',
          },
        },
      },
      isRoot: false,
    },
    Multicast_Group: {
      columns: {
        datapath: { type: { key: { type: 'uuid', refTable: 'Datapath_Binding' } } },
        name: { type: 'string' },
        tunnel_key: { type: { key: { type: 'integer', minInteger: 32768, maxInteger: 65535 } } },
        ports: {
          type: {
            key: { type: 'uuid', refTable: 'Port_Binding', refType: 'weak' },
            min: 0,
            max: 'unlimited',
          },
        },
      },
      indexes: [
        ['datapath', 'tunnel_key'],
        ['datapath', 'name'],
      ],
      isRoot: true,
    },
    Mirror: {
      columns: {
        name: { type: 'string' },
        filter: { type: { key: { type: 'string', enum: ['set', ['from-lport', 'to-lport']] } } },
        sink: { type: 'string' },
        type: { type: { key: { type: 'string', enum: ['set', ['gre', 'erspan']] } } },
        index: { type: 'integer' },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
      indexes: [['name']],
      isRoot: true,
    },
    Meter: {
      columns: {
        name: { type: 'string' },
        unit: { type: { key: { type: 'string', enum: ['set', ['kbps', 'pktps']] } } },
        bands: {
          type: {
            key: { type: 'uuid', refTable: 'Meter_Band', refType: 'strong' },
            min: 1,
            max: 'unlimited',
          },
        },
      },
      indexes: [['name']],
      isRoot: true,
    },
    Meter_Band: {
      columns: {
        action: { type: { key: { type: 'string', enum: ['set', ['drop']] } } },
        rate: { type: { key: { type: 'integer', minInteger: 1, maxInteger: 4294967295 } } },
        burst_size: { type: { key: { type: 'integer', minInteger: 0, maxInteger: 4294967295 } } },
      },
      isRoot: false,
    },
    Datapath_Binding: {
      columns: {
        tunnel_key: { type: { key: { type: 'integer', minInteger: 1, maxInteger: 16777215 } } },
        load_balancers: { type: { key: { type: 'uuid' }, min: 0, max: 'unlimited' } },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
      indexes: [['tunnel_key']],
      isRoot: true,
    },
    Port_Binding: {
      columns: {
        logical_port: { type: 'string' },
        type: { type: 'string' },
        gateway_chassis: {
          type: {
            key: { type: 'uuid', refTable: 'Gateway_Chassis', refType: 'strong' },
            min: 0,
            max: 'unlimited',
          },
        },
        ha_chassis_group: {
          type: { key: { type: 'uuid', refTable: 'HA_Chassis_Group', refType: 'strong' }, min: 0, max: 1 },
        },
        options: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        datapath: { type: { key: { type: 'uuid', refTable: 'Datapath_Binding' } } },
        tunnel_key: { type: { key: { type: 'integer', minInteger: 1, maxInteger: 32767 } } },
        parent_port: { type: { key: 'string', min: 0, max: 1 } },
        tag: { type: { key: { type: 'integer', minInteger: 1, maxInteger: 4095 }, min: 0, max: 1 } },
        virtual_parent: { type: { key: 'string', min: 0, max: 1 } },
        chassis: { type: { key: { type: 'uuid', refTable: 'Chassis', refType: 'weak' }, min: 0, max: 1 } },
        additional_chassis: {
          type: { key: { type: 'uuid', refTable: 'Chassis', refType: 'weak' }, min: 0, max: 'unlimited' },
        },
        encap: { type: { key: { type: 'uuid', refTable: 'Encap', refType: 'weak' }, min: 0, max: 1 } },
        additional_encap: {
          type: { key: { type: 'uuid', refTable: 'Encap', refType: 'weak' }, min: 0, max: 'unlimited' },
        },
        mirror_rules: {
          type: { key: { type: 'uuid', refTable: 'Mirror', refType: 'weak' }, min: 0, max: 'unlimited' },
        },
        mac: { type: { key: 'string', min: 0, max: 'unlimited' } },
        port_security: { type: { key: 'string', min: 0, max: 'unlimited' } },
        nat_addresses: { type: { key: 'string', min: 0, max: 'unlimited' } },
        up: { type: { key: 'boolean', min: 0, max: 1 } },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        requested_chassis: {
          type: { key: { type: 'uuid', refTable: 'Chassis', refType: 'weak' }, min: 0, max: 1 },
        },
        requested_additional_chassis: {
          type: { key: { type: 'uuid', refTable: 'Chassis', refType: 'weak' }, min: 0, max: 'unlimited' },
        },
      },
      indexes: [['datapath', 'tunnel_key'], ['logical_port']],
      isRoot: true,
    },
    MAC_Binding: {
      columns: {
        logical_port: { type: 'string' },
        ip: { type: 'string' },
        mac: { type: 'string' },
        timestamp: { type: { key: 'integer' } },
        datapath: { type: { key: { type: 'uuid', refTable: 'Datapath_Binding' } } },
      },
      indexes: [['logical_port', 'ip']],
      isRoot: true,
    },
    DHCP_Options: {
      columns: {
        name: { type: 'string' },
        code: { type: { key: { type: 'integer', minInteger: 0, maxInteger: 254 } } },
        type: {
          type: {
            key: {
              type: 'string',
              enum: [
                'set',
                ['bool', 'uint8', 'uint16', 'uint32', 'ipv4', 'static_routes', 'str', 'host_id', 'domains'],
              ],
            },
          },
        },
      },
      isRoot: true,
    },
    DHCPv6_Options: {
      columns: {
        name: { type: 'string' },
        code: { type: { key: { type: 'integer', minInteger: 0, maxInteger: 254 } } },
        type: { type: { key: { type: 'string', enum: ['set', ['ipv6', 'str', 'mac']] } } },
      },
      isRoot: true,
    },
    Connection: {
      columns: {
        target: { type: 'string' },
        max_backoff: { type: { key: { type: 'integer', minInteger: 1000 }, min: 0, max: 1 } },
        inactivity_probe: { type: { key: 'integer', min: 0, max: 1 } },
        read_only: { type: 'boolean' },
        role: { type: 'string' },
        other_config: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        is_connected: { type: 'boolean', ephemeral: true },
        status: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' }, ephemeral: true },
      },
      indexes: [['target']],
    },
    SSL: {
      columns: {
        private_key: { type: 'string' },
        certificate: { type: 'string' },
        ca_cert: { type: 'string' },
        bootstrap_ca_cert: { type: 'boolean' },
        ssl_protocols: { type: 'string' },
        ssl_ciphers: { type: 'string' },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
      maxRows: 1,
    },
    DNS: {
      columns: {
        records: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        datapaths: {
          type: { key: { type: 'uuid', refTable: 'Datapath_Binding' }, min: 1, max: 'unlimited' },
        },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
      isRoot: true,
    },
    RBAC_Role: {
      columns: {
        name: { type: 'string' },
        permissions: {
          type: {
            key: { type: 'string' },
            value: { type: 'uuid', refTable: 'RBAC_Permission', refType: 'weak' },
            min: 0,
            max: 'unlimited',
          },
        },
      },
      isRoot: true,
    },
    RBAC_Permission: {
      columns: {
        table: { type: 'string' },
        authorization: { type: { key: 'string', min: 0, max: 'unlimited' } },
        insert_delete: { type: 'boolean' },
        update: { type: { key: 'string', min: 0, max: 'unlimited' } },
      },
      isRoot: true,
    },
    Gateway_Chassis: {
      columns: {
        name: { type: 'string' },
        chassis: { type: { key: { type: 'uuid', refTable: 'Chassis', refType: 'weak' }, min: 0, max: 1 } },
        priority: { type: { key: { type: 'integer', minInteger: 0, maxInteger: 32767 } } },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        options: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
      indexes: [['name']],
      isRoot: false,
    },
    HA_Chassis: {
      columns: {
        chassis: { type: { key: { type: 'uuid', refTable: 'Chassis', refType: 'weak' }, min: 0, max: 1 } },
        priority: { type: { key: { type: 'integer', minInteger: 0, maxInteger: 32767 } } },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
      isRoot: false,
    },
    HA_Chassis_Group: {
      columns: {
        name: { type: 'string' },
        ha_chassis: {
          type: {
            key: { type: 'uuid', refTable: 'HA_Chassis', refType: 'strong' },
            min: 0,
            max: 'unlimited',
          },
        },
        ref_chassis: {
          type: { key: { type: 'uuid', refTable: 'Chassis', refType: 'weak' }, min: 0, max: 'unlimited' },
        },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
      indexes: [['name']],
      isRoot: true,
    },
    Controller_Event: {
      columns: {
        event_type: { type: { key: { type: 'string', enum: ['set', ['empty_lb_backends']] } } },
        event_info: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        chassis: { type: { key: { type: 'uuid', refTable: 'Chassis', refType: 'weak' }, min: 0, max: 1 } },
        seq_num: { type: { key: 'integer' } },
      },
      isRoot: true,
    },
    IP_Multicast: {
      columns: {
        datapath: { type: { key: { type: 'uuid', refTable: 'Datapath_Binding', refType: 'weak' } } },
        enabled: { type: { key: 'boolean', min: 0, max: 1 } },
        querier: { type: { key: 'boolean', min: 0, max: 1 } },
        eth_src: { type: 'string' },
        ip4_src: { type: 'string' },
        ip6_src: { type: 'string' },
        table_size: { type: { key: 'integer', min: 0, max: 1 } },
        idle_timeout: { type: { key: 'integer', min: 0, max: 1 } },
        query_interval: { type: { key: 'integer', min: 0, max: 1 } },
        query_max_resp: { type: { key: 'integer', min: 0, max: 1 } },
        seq_no: { type: 'integer' },
      },
      indexes: [['datapath']],
      isRoot: true,
    },
    IGMP_Group: {
      columns: {
        address: { type: 'string' },
        datapath: {
          type: { key: { type: 'uuid', refTable: 'Datapath_Binding', refType: 'weak' }, min: 0, max: 1 },
        },
        chassis: { type: { key: { type: 'uuid', refTable: 'Chassis', refType: 'weak' }, min: 0, max: 1 } },
        ports: {
          type: {
            key: { type: 'uuid', refTable: 'Port_Binding', refType: 'weak' },
            min: 0,
            max: 'unlimited',
          },
        },
      },
      indexes: [['address', 'datapath', 'chassis']],
      isRoot: true,
    },
    Service_Monitor: {
      columns: {
        ip: { type: 'string' },
        protocol: { type: { key: { type: 'string', enum: ['set', ['tcp', 'udp']] }, min: 0, max: 1 } },
        port: { type: { key: { type: 'integer', minInteger: 0, maxInteger: 65535 } } },
        logical_port: { type: 'string' },
        src_mac: { type: 'string' },
        src_ip: { type: 'string' },
        status: {
          type: { key: { type: 'string', enum: ['set', ['online', 'offline', 'error']] }, min: 0, max: 1 },
        },
        options: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
      indexes: [['logical_port', 'ip', 'port', 'protocol']],
      isRoot: true,
    },
    Load_Balancer: {
      columns: {
        name: { type: 'string' },
        vips: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        protocol: {
          type: { key: { type: 'string', enum: ['set', ['tcp', 'udp', 'sctp']] }, min: 0, max: 1 },
        },
        datapaths: {
          type: { key: { type: 'uuid', refTable: 'Datapath_Binding' }, min: 0, max: 'unlimited' },
        },
        datapath_group: { type: { key: { type: 'uuid', refTable: 'Logical_DP_Group' }, min: 0, max: 1 } },
        options: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
      isRoot: true,
    },
    BFD: {
      columns: {
        src_port: { type: { key: { type: 'integer', minInteger: 49152, maxInteger: 65535 } } },
        disc: { type: { key: { type: 'integer' } } },
        logical_port: { type: 'string' },
        dst_ip: { type: 'string' },
        min_tx: { type: { key: { type: 'integer' } } },
        min_rx: { type: { key: { type: 'integer' } } },
        detect_mult: { type: { key: { type: 'integer' } } },
        status: { type: { key: { type: 'string', enum: ['set', ['down', 'init', 'up', 'admin_down']] } } },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        options: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
      indexes: [['logical_port', 'dst_ip', 'src_port', 'disc']],
      isRoot: true,
    },
    FDB: {
      columns: {
        mac: { type: 'string' },
        dp_key: { type: { key: { type: 'integer', minInteger: 1, maxInteger: 16777215 } } },
        port_key: { type: { key: { type: 'integer', minInteger: 1, maxInteger: 16777215 } } },
      },
      indexes: [['mac', 'dp_key']],
      isRoot: true,
    },
    Static_MAC_Binding: {
      columns: {
        logical_port: { type: 'string' },
        ip: { type: 'string' },
        mac: { type: 'string' },
        override_dynamic_mac: { type: 'boolean' },
        datapath: { type: { key: { type: 'uuid', refTable: 'Datapath_Binding' } } },
      },
      indexes: [['logical_port', 'ip']],
      isRoot: true,
    },
    Chassis_Template_Var: {
      columns: {
        chassis: { type: 'string' },
        variables: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
      indexes: [['chassis']],
      isRoot: true,
    },
  },
};
