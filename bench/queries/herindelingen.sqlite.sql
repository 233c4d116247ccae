-- The floor of `herindelingen.graphql` on SQLite: seven pages of 100 municipalities. Each
-- herindeling's JSON is built once and shared by the municipalities that took part in it.
WITH hj AS MATERIALIZED (
  SELECT h.id, h.datum, h.sleutel, json_object(
    'sleutel', h.sleutel,
    'soort', h.soort,
    'datum', h.datum,
    'opgeheven', json((SELECT json_group_array(json_object('code', code)) FROM (
      SELECT x.code FROM herindeling_gemeente l JOIN gemeente x ON x.id = l.gemeente_id
      WHERE l.herindeling_id = h.id AND l.rol = 'OPGEHEVEN' ORDER BY x.code))),
    'ontvangend', json((SELECT json_group_array(json_object('code', code)) FROM (
      SELECT x.code FROM herindeling_gemeente l JOIN gemeente x ON x.id = l.gemeente_id
      WHERE l.herindeling_id = h.id AND l.rol = 'ONTVANGEND' ORDER BY x.code))),
    'nieuw', json((SELECT json_group_array(json_object('code', code)) FROM (
      SELECT x.code FROM herindeling_gemeente l JOIN gemeente x ON x.id = l.gemeente_id
      WHERE l.herindeling_id = h.id AND l.rol = 'NIEUW' ORDER BY x.code)))) AS json
  FROM herindeling h
), node AS (
  SELECT (row_number() OVER (ORDER BY g.code) - 1) / 100 AS pagina, g.code, json_object(
    'code', g.code,
    'naam', g.naam,
    'herindelingen', json((
      SELECT json_group_array(json(json)) FROM (
        SELECT DISTINCT hj.json, hj.datum, hj.sleutel
        FROM herindeling_gemeente l JOIN hj ON hj.id = l.herindeling_id
        WHERE l.gemeente_id = g.id
        ORDER BY hj.datum, hj.sleutel)))) AS node
  FROM gemeente g
), pagina AS (
  SELECT pagina, json_object('edges', json_group_array(json_object('node', json(node)))) AS json
  FROM (SELECT * FROM node ORDER BY pagina, code)
  GROUP BY pagina
)
SELECT json_object(
  'p1', json((SELECT json FROM pagina WHERE pagina = 0)),
  'p2', json((SELECT json FROM pagina WHERE pagina = 1)),
  'p3', json((SELECT json FROM pagina WHERE pagina = 2)),
  'p4', json((SELECT json FROM pagina WHERE pagina = 3)),
  'p5', json((SELECT json FROM pagina WHERE pagina = 4)),
  'p6', json((SELECT json FROM pagina WHERE pagina = 5)),
  'p7', json((SELECT json FROM pagina WHERE pagina = 6)));
