-- Reusable inspection checklists (检查表) a supervisor records an inspection from (issue 17):
-- each item has a name in both languages and its full marks. Data, not code: more are added
-- with INSERT (or a later API) without a release.
-- depends: 0012_paused_before_limits

CREATE TABLE inspection_templates (
    id      text PRIMARY KEY,
    kind    text  NOT NULL CHECK (kind IN ('quality', 'safety')),
    name    text  NOT NULL,
    name_en text  NOT NULL,
    items   jsonb NOT NULL
);

INSERT INTO inspection_templates (id, kind, name, name_en, items) VALUES
  ('canteen-hygiene', 'quality', '食堂卫生与服务检查', 'Canteen hygiene and service', '[
     {"name": "操作间地面、台面清洁", "name_en": "Kitchen floors and worktops clean", "max_score": 20},
     {"name": "餐具消毒记录齐全", "name_en": "Tableware disinfection logged", "max_score": 20},
     {"name": "食品留样规范", "name_en": "Food samples kept as required", "max_score": 20},
     {"name": "从业人员着装与健康证", "name_en": "Staff dress and health certificates", "max_score": 20},
     {"name": "服务态度与就餐秩序", "name_en": "Service attitude and order at the counters", "max_score": 20}
   ]'),
  ('building-cleaning', 'quality', '楼宇保洁检查', 'Building cleaning', '[
     {"name": "走廊、楼梯无垃圾积灰", "name_en": "Corridors and stairs free of litter and dust", "max_score": 25},
     {"name": "卫生间清洁无异味", "name_en": "Toilets clean and odour-free", "max_score": 25},
     {"name": "垃圾及时清运", "name_en": "Refuse removed on time", "max_score": 25},
     {"name": "保洁记录与巡查签到", "name_en": "Cleaning log and round sign-in", "max_score": 25}
   ]'),
  ('repair-service', 'quality', '维修服务质量检查', 'Repair service quality', '[
     {"name": "限时到场、限时办结", "name_en": "On site and finished within the limits", "max_score": 30},
     {"name": "维修质量（无返工）", "name_en": "Quality of the fix (no rework)", "max_score": 30},
     {"name": "现场清理、文明服务", "name_en": "Site left clean, courteous service", "max_score": 20},
     {"name": "工单记录完整", "name_en": "Ticket records complete", "max_score": 20}
   ]'),
  ('safety-round', 'safety', '安全隐患排查', 'Safety hazard round', '[
     {"name": "消防通道畅通、器材有效", "name_en": "Fire exits clear, extinguishers in date", "max_score": 25},
     {"name": "电气线路无私拉乱接", "name_en": "No improvised wiring", "max_score": 25},
     {"name": "燃气设施检查记录", "name_en": "Gas installations checked and logged", "max_score": 25},
     {"name": "危险品存放规范", "name_en": "Hazardous materials stored properly", "max_score": 25}
   ]')
ON CONFLICT (id) DO NOTHING;
