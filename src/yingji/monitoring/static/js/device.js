/** 监测设备详情: server-rendered facts and charts; reloads when one of its alarms changes. */
import { pageData } from '../../js/components/context.js';
import { onEvent } from '../../js/components/ticker.js';

export function start() {
  const id = pageData.point_id;
  onEvent((evt) => {
    if (String(evt.type || '').startsWith('monitoring.alarm_') && evt.payload && evt.payload.point_id === id) {
      window.location.reload();
    }
  });
}
