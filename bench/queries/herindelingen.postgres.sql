-- The floor of `herindelingen.graphql`: seven pages of 100 municipalities in code order. Each
-- herindeling's JSON is built once and shared by the municipalities that took part in it.
WITH hj AS MATERIALIZED (
  SELECT h.id, h.datum, h.sleutel, json_build_object(
    'sleutel', h.sleutel,
    'soort', h.soort,
    'datum', h.datum,
    'opgeheven', (SELECT coalesce(json_agg(json_build_object('code', x.code) ORDER BY x.code), '[]')
      FROM herindeling_gemeente l JOIN gemeente x ON x.id = l.gemeente_id
      WHERE l.herindeling_id = h.id AND l.rol = 'OPGEHEVEN'),
    'ontvangend', (SELECT coalesce(json_agg(json_build_object('code', x.code) ORDER BY x.code), '[]')
      FROM herindeling_gemeente l JOIN gemeente x ON x.id = l.gemeente_id
      WHERE l.herindeling_id = h.id AND l.rol = 'ONTVANGEND'),
    'nieuw', (SELECT coalesce(json_agg(json_build_object('code', x.code) ORDER BY x.code), '[]')
      FROM herindeling_gemeente l JOIN gemeente x ON x.id = l.gemeente_id
      WHERE l.herindeling_id = h.id AND l.rol = 'NIEUW')) AS json
  FROM herindeling h
), per_gemeente AS (
  SELECT l.gemeente_id, json_agg(hj.json ORDER BY hj.datum, hj.sleutel COLLATE "C") AS json
  FROM (SELECT DISTINCT gemeente_id, herindeling_id FROM herindeling_gemeente) l
  JOIN hj ON hj.id = l.herindeling_id
  GROUP BY l.gemeente_id
), node AS (
  SELECT (row_number() OVER (ORDER BY g.code) - 1) / 100 AS pagina, g.code, json_build_object(
    'code', g.code,
    'naam', g.naam,
    'herindelingen', coalesce(pg.json, '[]')) AS node
  FROM gemeente g LEFT JOIN per_gemeente pg ON pg.gemeente_id = g.id
), pagina AS (
  SELECT pagina, json_build_object('edges', json_agg(json_build_object('node', node) ORDER BY code)) AS json
  FROM node GROUP BY pagina
)
SELECT json_build_object(
  'p1', (SELECT json FROM pagina WHERE pagina = 0),
  'p2', (SELECT json FROM pagina WHERE pagina = 1),
  'p3', (SELECT json FROM pagina WHERE pagina = 2),
  'p4', (SELECT json FROM pagina WHERE pagina = 3),
  'p5', (SELECT json FROM pagina WHERE pagina = 4),
  'p6', (SELECT json FROM pagina WHERE pagina = 5),
  'p7', (SELECT json FROM pagina WHERE pagina = 6));
